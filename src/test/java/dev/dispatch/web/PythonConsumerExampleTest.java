package dev.dispatch.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.support.ExternalTool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python consumer of docs/examples works as its documentation says: it consumes,
 * acks, and stops at 410; it waits for a queue that does not exist yet and for a service
 * that is not up yet; Ctrl-C stops it cleanly.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PythonConsumerExampleTest {

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	@Test
	void theExampleConsumerDrainsAQueueAndStops() throws Exception {
		Path python = ExternalTool.require("python3", "Debian: apt-get install python3");
		JobQueue queue = this.registry.obtain("python-example");
		for (int i = 1; i <= 3; i++) {
			queue.put(Payload.of("{\"n\": " + i + "}"), PutOptions.waiting(Duration.ZERO)).join();
		}
		queue.close(CloseMode.GRACEFUL).join();

		Process consumer = new ProcessBuilder(python.toString(), "docs/examples/consumer.py",
				"http://127.0.0.1:" + this.port, "python-example")
			.redirectErrorStream(true)
			.start();
		assertThat(consumer.waitFor(60, TimeUnit.SECONDS)).as("the consumer stopped by itself").isTrue();
		String output = new String(consumer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(consumer.exitValue()).as(output).isZero();
		assertThat(output).contains("{'n': 1}", "{'n': 2}", "{'n': 3}", "queue python-example is drained; stopping");
		assertThat(queue.snapshot().join().unfinished()).isZero();
	}

	private Process start(String base, String queue) throws Exception {
		Path python = ExternalTool.require("python3", "Debian: apt-get install python3");
		return new ProcessBuilder(python.toString(), "docs/examples/consumer.py", base, queue).redirectErrorStream(true)
			.start();
	}

	/** Collects what the process prints, as it prints it. */
	private static StringBuffer output(Process process) {
		StringBuffer printed = new StringBuffer();
		Thread.ofVirtual().start(() -> {
			try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
				lines.lines().forEach((line) -> printed.append(line).append('\n'));
			}
			catch (IOException ex) {
				printed.append("(output lost: ").append(ex).append(")\n");
			}
		});
		return printed;
	}

	private static void awaitPrinted(StringBuffer printed, String text) {
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> printed.toString().contains(text));
	}

	@Test
	void theExampleConsumerWaitsForAQueueThatDoesNotExistYet() throws Exception {
		Process consumer = start("http://127.0.0.1:" + this.port, "python-late");
		StringBuffer printed = output(consumer);
		awaitPrinted(printed, "queue python-late does not exist yet; waiting for it");
		assertThat(consumer.isAlive()).as("the consumer waits").isTrue();

		JobQueue queue = this.registry.obtain("python-late");
		queue.put(Payload.of("{\"late\": 1}"), PutOptions.waiting(Duration.ZERO)).join();
		queue.close(CloseMode.GRACEFUL).join();

		assertThat(consumer.waitFor(60, TimeUnit.SECONDS)).as("the consumer stopped by itself").isTrue();
		awaitPrinted(printed, "queue python-late is drained; stopping");
		assertThat(consumer.exitValue()).as(printed.toString()).isZero();
		assertThat(printed.toString()).contains("queue python-late does not exist yet; waiting for it", "{'late': 1}",
				"queue python-late is drained; stopping");
		assertThat(queue.snapshot().join().unfinished()).isZero();
	}

	@Test
	void theExampleConsumerWaitsForTheServiceAndStopsCleanlyOnCtrlC() throws Exception {
		int closedPort;
		try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = free.getLocalPort();
		}
		Process consumer = start("http://127.0.0.1:" + closedPort, "anything");
		StringBuffer printed = output(consumer);
		awaitPrinted(printed, "cannot reach");
		assertThat(consumer.isAlive()).as("the consumer waits for the service").isTrue();

		new ProcessBuilder("kill", "-INT", Long.toString(consumer.pid())).start().waitFor(10, TimeUnit.SECONDS);

		assertThat(consumer.waitFor(10, TimeUnit.SECONDS)).as("the consumer stopped on Ctrl-C").isTrue();
		awaitPrinted(printed, "stopped");
		assertThat(consumer.exitValue()).as(printed.toString()).isEqualTo(130);
		assertThat(printed.toString()).contains("cannot reach", "stopped").doesNotContain("Traceback");
	}

}
