package dev.dispatch.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.dispatch.client.test.Backend;
import dev.dispatch.client.test.DispatchServer;
import dev.dispatch.client.test.RedisProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the client does when the service says no, is busy, or goes away: against the real
 * service, restarted and deprived of its Redis for real.
 */
class FailureTest {

	private static final Backoff FAST = Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(300));

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aPutToAFullQueueIsSentAgainAfterTheServicesRetryAfter(Backend backend) {
		String baseUrl = Services.shared(backend).baseUrl();
		String queue = Services.queue("full");
		DispatchClient impatient = DispatchClient.builder().baseUrl(baseUrl).retryTimeout(Duration.ZERO).build();
		impatient.configureQueue(queue, QueueSettings.UNCHANGED.withCapacity(1));
		impatient.put(queue, NewJob.of("first"), Duration.ZERO);
		DispatchException full = catchDispatch(() -> impatient.put(queue, NewJob.of("second"), Duration.ZERO));
		assertThat(full.status()).isEqualTo(429);
		assertThat(full.type()).isEqualTo("queue-full");
		Duration retryAfter = full.retryAfter().orElseThrow();

		List<Duration> slept = new CopyOnWriteArrayList<>();
		DispatchClient patient = DispatchClient.builder().baseUrl(baseUrl).sleeper((duration) -> {
			slept.add(duration);
			// a consumer makes room while the producer waits
			impatient.take(queue, new TakeOptions(1, Duration.ZERO, null)).leases().forEach(Lease::ack);
		}).build();
		Accepted second = patient.put(queue, NewJob.of("second"), Duration.ZERO);

		assertThat(slept).containsExactly(retryAfter);
		assertThat(impatient.take(queue, new TakeOptions(1, Duration.ZERO, null)).leases().getFirst().job().id())
			.isEqualTo(second.id());
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aRefusedCredentialFailsFastAndStopsTheLoop(Backend backend) throws Exception {
		String producerKey = "producer-key-of-this-test-0123456789";
		try (DispatchServer server = Services.start(backend,
				DispatchServer.builder()
					.property("dispatch.security.api-keys[0].name", "producer")
					.property("dispatch.security.api-keys[0].key-sha256", sha256(producerKey))
					.property("dispatch.security.api-keys[0].roles", "producer"))) {
			DispatchClient anonymous = DispatchClient.create(server.baseUrl());
			DispatchClient producer = DispatchClient.builder().baseUrl(server.baseUrl()).apiKey(producerKey).build();
			String queue = Services.queue("secured");

			assertThatThrownBy(() -> anonymous.put(queue, "job")).isInstanceOf(DispatchRefusedException.class)
				.hasMessageContaining("POST /v1/queues/" + queue + "/jobs (queue " + queue + "): 401 unauthorized");
			producer.put(queue, "job");

			DispatchConsumer unauthenticated = anonymous.consumer(queue, (lease) -> {
			}).start();
			assertThat(failure(unauthenticated)).isInstanceOf(DispatchRefusedException.class)
				.satisfies((ex) -> assertThat(((DispatchException) ex).status()).isEqualTo(401));

			DispatchConsumer forbidden = producer.consumer(queue, (lease) -> {
			}).start();
			assertThat(failure(forbidden)).isInstanceOf(DispatchRefusedException.class)
				.hasMessageContaining("(queue " + queue + "): 403 forbidden");
		}
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void theLoopRecoversByItselfWhenTheServiceRestartsMidPoll(Backend backend) throws Exception {
		try (DispatchServer server = Services.start(backend, DispatchServer.builder())) {
			DispatchClient client = DispatchClient.create(server.baseUrl());
			String queue = Services.queue("restart");
			client.configureQueue(queue, QueueSettings.UNCHANGED);
			Set<String> handled = ConcurrentHashMap.newKeySet();
			try (DispatchConsumer consumer = client.consumer(queue, (lease) -> handled.add(lease.job().id()))
				.errorBackoff(FAST)
				.start()) {
				Eventually.within(Duration.ofSeconds(20), "the consumer's poll parked",
						() -> client.queueInfo(queue).waitingTakers() == 1);

				server.stop();
				server.restart();

				Accepted after = client.put(queue, "after the restart");
				Eventually.within(Duration.ofSeconds(30), "the job put after the restart handled",
						() -> handled.contains(after.id()));
				assertThat(consumer.isRunning()).isTrue();
			}
		}
	}

	@Test
	void theLoopRecoversByItselfWhenRedisStopsAndStartsUnderIt() throws Exception {
		try (RedisProcess redis = Services.redis(true);
				DispatchServer server = DispatchServer.builder().redis(redis.uri()).start();
				LogRecords log = new LogRecords()) {
			DispatchClient client = DispatchClient.create(server.baseUrl());
			String queue = Services.queue("redis-outage");
			for (int n = 0; n < 40; n++) {
				client.put(queue, n);
			}
			Map<String, Integer> acked = new ConcurrentHashMap<>();
			Set<String> succeeded = ConcurrentHashMap.newKeySet();
			try (DispatchConsumer consumer = client.consumer(queue, (lease) -> {
				Thread.sleep(20);
				succeeded.add(lease.job().id());
			}).concurrency(2).errorBackoff(FAST).pollWait(Duration.ofSeconds(1)).settleListener((job, action, done) -> {
				if (action == Settlement.Action.ACK && done) {
					acked.merge(job.id(), 1, Integer::sum);
				}
			}).start()) {
				Eventually.within(Duration.ofSeconds(20), "some jobs acked", () -> acked.size() >= 5);
				redis.stop();
				Eventually.within(Duration.ofSeconds(20), "the consumer told of the outage",
						() -> !log.containing("503").isEmpty() || !log.containing("no answer").isEmpty());
				redis.restart();
				Eventually.within(Duration.ofSeconds(60), "every job handled",
						() -> succeeded.size() == 40 && unfinished(client, queue) == 0);
				assertThat(consumer.isRunning()).isTrue();
			}
			assertThat(acked.values()).allSatisfy((times) -> assertThat(times).isEqualTo(1));
			assertThat(client.queueInfo(queue).unfinished()).isZero();
		}
	}

	private static int unfinished(DispatchClient client, String queue) {
		try {
			return client.queueInfo(queue).unfinished();
		}
		catch (DispatchException ex) {
			return -1;
		}
	}

	private static Throwable failure(DispatchConsumer consumer) throws Exception {
		try {
			consumer.done().get(20, TimeUnit.SECONDS);
			throw new AssertionError("the consumer ended without a failure");
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

	private static DispatchException catchDispatch(Runnable call) {
		try {
			call.run();
			throw new AssertionError("no DispatchException");
		}
		catch (DispatchException ex) {
			return ex;
		}
	}

	private static String sha256(String key) throws Exception {
		return HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
	}

}
