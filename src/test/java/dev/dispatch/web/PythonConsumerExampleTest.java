package dev.dispatch.web;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.Payload;
import dev.dispatch.queue.PutOptions;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.support.ExternalTool;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python consumer of docs/examples works as docs/api.md says: it consumes, acks, and
 * stops at 410.
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

}
