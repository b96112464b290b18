package dev.dispatch.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The jar the package phase built, for tests that run the service as a process. */
public final class PackagedJar {

	private PackagedJar() {
	}

	/**
	 * The packaged service's jar under {@code target/}.
	 * @throws AssertionError if the package phase has not run
	 */
	public static Path find() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			return files.map(Path::toAbsolutePath)
				.filter((p) -> p.getFileName().toString().matches("dispatch-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no packaged jar under target/: run the package phase first"));
		}
	}

}
