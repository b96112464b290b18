package dev.dispatch.web;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.support.ApiKeyGrants;
import dev.dispatch.support.ExternalTool;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python consumer of docs/examples against a service that requires API keys: it sends
 * DISPATCH_TOKEN, and a refusal (401, 403) stops it with one line and status 2.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.jmx.enabled=false", "dispatch.auto-create=true" })
class PythonConsumerWithKeysTest {

	private static final String CONSUMER = "python-consumer-key-0123456789";

	private static final String PRODUCER = "python-producer-key-0123456789";

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	@DynamicPropertySource
	static void keys(DynamicPropertyRegistry registry) {
		key(registry, 0, "consumer", CONSUMER);
		key(registry, 1, "producer", PRODUCER);
	}

	private static void key(DynamicPropertyRegistry registry, int n, String role, String key) {
		ApiKeyGrants.grant(registry, n, role, key, role, "python-*");
	}

	/**
	 * Runs the consumer on {@code queue} with DISPATCH_TOKEN {@code token} (null: unset).
	 */
	private Run consume(String queue, String token) throws Exception {
		Path python = ExternalTool.require("python3", "Debian: apt-get install python3");
		ProcessBuilder builder = new ProcessBuilder(python.toString(), "docs/examples/consumer.py",
				"http://127.0.0.1:" + this.port, queue)
			.redirectErrorStream(true);
		builder.environment().remove("DISPATCH_TOKEN");
		if (token != null) {
			builder.environment().put("DISPATCH_TOKEN", token);
		}
		Process consumer = builder.start();
		assertThat(consumer.waitFor(60, TimeUnit.SECONDS)).as("the consumer stopped by itself").isTrue();
		return new Run(consumer.exitValue(),
				new String(consumer.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
	}

	private record Run(int status, String output) {
	}

	private JobQueue closedQueueOf(String name, int jobs) {
		JobQueue queue = this.registry.obtain(name);
		for (int i = 1; i <= jobs; i++) {
			queue.put(Payload.of("{\"n\": " + i + "}"), PutOptions.waiting(Duration.ZERO)).join();
		}
		queue.close(CloseMode.GRACEFUL).join();
		return queue;
	}

	@Test
	void aConsumerKeyInDispatchTokenDrainsTheQueue() throws Exception {
		JobQueue queue = closedQueueOf("python-keyed", 2);
		Run run = consume("python-keyed", CONSUMER);
		assertThat(run.status()).as(run.output()).isZero();
		assertThat(run.output()).contains("{'n': 1}", "{'n': 2}", "queue python-keyed is drained; stopping");
		assertThat(queue.snapshot().join().unfinished()).isZero();
	}

	@Test
	void withoutATokenItStopsWithOneLineSayingToSetIt() throws Exception {
		JobQueue queue = closedQueueOf("python-anonymous", 1);
		Run run = consume("python-anonymous", null);
		assertThat(run.status()).as(run.output()).isEqualTo(2);
		assertThat(run.output()).contains("refused the request (401", "set DISPATCH_TOKEN").doesNotContain("Traceback");
		assertThat(run.output().strip().lines()).hasSize(1);
		assertThat(queue.snapshot().join().size()).as("nothing taken").isEqualTo(1);
	}

	@Test
	void aKeyWithoutTheConsumerRoleStopsItWithOneLineNamingTheRole() throws Exception {
		JobQueue queue = closedQueueOf("python-producer-only", 1);
		Run run = consume("python-producer-only", PRODUCER);
		assertThat(run.status()).as(run.output()).isEqualTo(2);
		assertThat(run.output()).contains("refused the request (403", "consumer role").doesNotContain("Traceback");
		assertThat(queue.snapshot().join().size()).as("nothing taken").isEqualTo(1);
	}

}
