package dev.dispatch;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.dispatch.support.PackagedJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Dockerfile does, done here on the packaged jar (no Docker engine runs in CI):
 * its extract step, its layer copies in its order, its {@code JAVA_TOOL_OPTIONS} and its
 * entrypoint, all read from the Dockerfile itself. The service must start from the
 * extracted layers with the launcher, answer its readiness probe, and stop on SIGTERM.
 */
class ImageLayoutIT {

	private static final Pattern EXTRACT = Pattern.compile("java -Djarmode=tools -jar (\\S+) (extract[^\\\\&\\n]*)");

	private static final Pattern LAYER_COPY = Pattern.compile("(?m)^COPY --from=build /extracted/([\\w-]+)/ \\./$");

	private static final Pattern TOOL_OPTIONS = Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"$");

	private static final Pattern ENTRYPOINT = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$");

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void theServiceStartsFromTheExtractedLayersWithTheImagesEntrypoint(@TempDir Path work) throws Exception {
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		Path jar = PackagedJar.find();
		String java = ProcessHandle.current().info().command().orElseThrow();

		Matcher extract = EXTRACT.matcher(dockerfile);
		assertThat(extract.find()).as("the Dockerfile's extract step").isTrue();
		Path extracted = work.resolve("extracted");
		List<String> extractCommand = new ArrayList<>(List.of(java, "-Djarmode=tools", "-jar", jar.toString()));
		for (String arg : extract.group(2).trim().split("\\s+")) {
			extractCommand.add(arg.equals("/extracted") ? extracted.toString() : arg);
		}
		Process extraction = new ProcessBuilder(extractCommand).directory(work.toFile())
			.redirectErrorStream(true)
			.start();
		String extractOutput = new String(extraction.getInputStream().readAllBytes());
		assertThat(extraction.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(extraction.exitValue()).as(extractCommand + "\n" + extractOutput).isZero();

		Path app = work.resolve("app");
		Files.createDirectories(app);
		Matcher layer = LAYER_COPY.matcher(dockerfile);
		List<String> layers = new ArrayList<>();
		while (layer.find()) {
			layers.add(layer.group(1));
			FileSystemUtils.copyRecursively(extracted.resolve(layer.group(1)), app);
		}
		assertThat(layers).as("every layer the tools produce is copied")
			.containsExactlyInAnyOrderElementsOf(listDirectories(extracted));
		assertThat(app.resolve("BOOT-INF/classes/dev/dispatch/DispatchApplication.class")).exists();

		Matcher options = TOOL_OPTIONS.matcher(dockerfile);
		assertThat(options.find()).isTrue();
		Matcher entrypoint = ENTRYPOINT.matcher(dockerfile);
		assertThat(entrypoint.find()).isTrue();
		List<String> command = new ArrayList<>();
		for (String part : entrypoint.group(1).split(",")) {
			String arg = part.trim().replaceAll("^\"|\"$", "");
			command.add(arg.equals("java") ? java : arg);
		}
		int port = freePort();
		command.addAll(List.of("--server.port=" + port, "--server.address=127.0.0.1"));
		Path tmp = Files.createDirectories(work.resolve("tmp"));
		ProcessBuilder service = new ProcessBuilder(command).directory(app.toFile())
			.redirectErrorStream(true)
			.redirectOutput(work.resolve("service.log").toFile());
		service.environment()
			.put("JAVA_TOOL_OPTIONS", options.group(1).replace("-Djava.io.tmpdir=/tmp", "-Djava.io.tmpdir=" + tmp));
		service.environment().remove("CLASSPATH");
		Process process = service.start();
		try {
			HttpResponse<String> ready = awaitReadiness(port, process);
			assertThat(ready.statusCode()).as(log(work)).isEqualTo(200);
			assertThat(ready.body()).contains("\"UP\"");
		}
		finally {
			process.destroy();
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stops within 30 s of SIGTERM").isTrue();
		}
	}

	private static List<String> listDirectories(Path dir) throws IOException {
		try (Stream<Path> entries = Files.list(dir)) {
			return entries.filter(Files::isDirectory).map((p) -> p.getFileName().toString()).toList();
		}
	}

	private HttpResponse<String> awaitReadiness(int port, Process process) throws Exception {
		URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (true) {
			try {
				return this.http.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.ofString());
			}
			catch (IOException notYet) {
				if (!process.isAlive() || System.nanoTime() > deadline) {
					throw new AssertionError("the service did not come up", notYet);
				}
				Thread.sleep(250);
			}
		}
	}

	private static String log(Path work) throws IOException {
		return Files.readString(work.resolve("service.log"));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
