package dev.dispatch.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * Finds an outside program a test needs. Absent, the test is skipped with the reason on a
 * developer's machine, but fails when the {@code CI} environment variable is set: CI
 * never passes by skipping. {@code .ci/run} installs every such program.
 */
public final class ExternalTool {

	/**
	 * Where {@code .ci/run} installs tools, relative to the project (the tests'
	 * directory).
	 */
	public static final String PROJECT_TOOLS = ".ci/tools/bin";

	private ExternalTool() {
	}

	/**
	 * The program's path.
	 * @param name the executable's name, looked up on {@code PATH}, then in
	 * {@code .ci/tools/bin} (where {@code .ci/run} puts tools Debian does not package)
	 * @param install how to install it, for the message
	 */
	public static Path require(String name, String install) {
		Optional<Path> found = find(name);
		if (found.isPresent()) {
			return found.get();
		}
		String reason = name + " is not installed (" + install + ")";
		if (System.getenv("CI") != null && !System.getenv("CI").isBlank()) {
			throw new AssertionError(reason + "; CI must run this test");
		}
		Assumptions.abort(reason + "; skipping");
		throw new IllegalStateException("unreachable");
	}

	private static Optional<Path> find(String name) {
		String path = System.getenv("PATH");
		String dirs = ((path != null) ? path + File.pathSeparator : "") + PROJECT_TOOLS;
		for (String dir : dirs.split(File.pathSeparator)) {
			Path candidate = Path.of(dir, name);
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

}
