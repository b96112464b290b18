package dev.dispatch.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.QueueSnapshot;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many producers and consumers over HTTP through a queue of four, with consumers whose
 * waits are so short that they keep timing out just as jobs arrive. Then the queue is
 * closed: every accepted job was delivered exactly once, and every consumer saw 410.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HttpConcurrencyTest {

	private static final int PRODUCERS = 4;

	private static final int CONSUMERS = 4;

	private static final int JOBS_PER_PRODUCER = 150;

	private static final Pattern PAYLOAD = Pattern.compile("\"payload\":\"([^\"]+)\"");

	private final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	private HttpResponse<String> post(String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void everyJobIsDeliveredOnceAndEveryConsumerSeesTheEnd() throws Exception {
		this.registry.configure("crowd", this.registry.defaults().withCapacity(4));
		Set<String> accepted = ConcurrentHashMap.newKeySet();
		ConcurrentLinkedQueue<String> delivered = new ConcurrentLinkedQueue<>();
		AtomicInteger sawTheEnd = new AtomicInteger();
		ExecutorService threads = Executors.newFixedThreadPool(PRODUCERS + CONSUMERS);
		try {
			List<Future<?>> producers = new ArrayList<>();
			for (int p = 0; p < PRODUCERS; p++) {
				int producer = p;
				producers.add(threads.submit(() -> produce(producer, accepted)));
			}
			List<Future<?>> consumers = new ArrayList<>();
			for (int c = 0; c < CONSUMERS; c++) {
				SplittableRandom random = new SplittableRandom(c);
				consumers.add(threads.submit(() -> consume(random, delivered, sawTheEnd)));
			}
			for (Future<?> producer : producers) {
				producer.get(120, TimeUnit.SECONDS);
			}
			assertThat(post("/v1/queues/crowd/close", "").statusCode()).isEqualTo(200);
			for (Future<?> consumer : consumers) {
				consumer.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(accepted).hasSize(PRODUCERS * JOBS_PER_PRODUCER);
		assertThat(delivered).as("each job delivered exactly once").hasSize(accepted.size());
		assertThat(Set.copyOf(delivered)).isEqualTo(accepted);
		assertThat(sawTheEnd.get()).isEqualTo(CONSUMERS);
		QueueSnapshot end = this.registry.require("crowd").snapshot().join();
		assertThat(end.unfinished()).isZero();
		assertThat(end.drained()).isTrue();
	}

	private Void produce(int producer, Set<String> accepted) throws Exception {
		for (int job = 0; job < JOBS_PER_PRODUCER; job++) {
			String payload = "p" + producer + "-" + job;
			for (;;) {
				HttpResponse<String> answer = post("/v1/queues/crowd/jobs?wait=5s", "\"" + payload + "\"");
				if (answer.statusCode() == 201) {
					accepted.add(payload);
					break;
				}
				assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
			}
		}
		return null;
	}

	private Void consume(SplittableRandom random, ConcurrentLinkedQueue<String> delivered, AtomicInteger sawTheEnd)
			throws Exception {
		for (;;) {
			String wait = random.nextInt(4) + "ms";
			HttpResponse<String> answer = post(
					"/v1/queues/crowd/leases?ack=auto&max=" + (1 + random.nextInt(3)) + "&wait=" + wait, "");
			if (answer.statusCode() == 410) {
				sawTheEnd.incrementAndGet();
				return null;
			}
			if (answer.statusCode() == 200) {
				Matcher matcher = PAYLOAD.matcher(answer.body());
				while (matcher.find()) {
					delivered.add(matcher.group(1));
				}
			}
			else {
				assertThat(answer.statusCode()).as(answer.body()).isEqualTo(204);
			}
		}
	}

}
