package dev.dispatch.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.AbstractRedisClient;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.Delivery;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.JobQueueContractTest;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue contract on a real Redis, a single server or a cluster (see the subclasses).
 * Each test has a key prefix of its own, so tests share one Redis without seeing each
 * other's queues; each registry has connections of its own.
 */
abstract class RedisContractTest extends JobQueueContractTest {

	private static final AtomicInteger tests = new AtomicInteger();

	private final String prefix = "contract" + tests.incrementAndGet();

	private final Deque<AutoCloseable> opened = new ArrayDeque<>();

	/** The client of the Redis under test. */
	protected abstract AbstractRedisClient client();

	@AfterEach
	void closeRegistries() throws Exception {
		while (!this.opened.isEmpty()) {
			this.opened.pop().close();
		}
	}

	/**
	 * Not part of the shared contract: throwing thousands of jobs away, by a purge (and
	 * the acks of the leases it left) or by a delete with discard, leaves none of their
	 * data in Redis.
	 */
	@Test
	void throwingThousandsOfJobsAwayLeavesNothingBehind() throws Exception {
		BigQueue purged = bigQueue(this, "purged");
		done(purged.queue().purge());
		for (Delivery leased : purged.leased()) {
			assertThat(done(purged.queue().ack(leased.leaseId()))).isTrue();
		}
		assertThat(storedKeys("purged")).containsExactly("meta");

		bigQueue(this, "deleted");
		assertThat(this.registry.delete("deleted", true)).isTrue();
		assertThat(storedKeys("deleted")).isEmpty();
	}

	/**
	 * Not part of the shared contract: dead letters are forwarded in rounds that end at a
	 * payload budget (512 KiB), and the rounds go on until the outbox is empty.
	 */
	@Test
	void deadLettersOfLargePayloadsAreForwardedInSeveralRounds() {
		JobQueue queue = queue("heavy", 100);
		List<String> payloads = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			String payload = "\"" + Integer.toString(i).repeat(200 * 1024) + "\"";
			payloads.add(payload);
			accept(queue, payload);
		}
		assertThat(done(queue.close(CloseMode.IMMEDIATE))).isEqualTo(12);
		assertThat(drainReady(this.registry.require("heavy.dead"))).containsExactlyElementsOf(payloads);
	}

	/** Which of queue {@code name}'s keys exist, by their last part. */
	private List<String> storedKeys(String name) throws Exception {
		RedisQueueRegistry registry = (RedisQueueRegistry) this.registry;
		List<String> stored = new ArrayList<>();
		try (RedisConnections redis = RedisConnections.open(client())) {
			for (byte[] key : registry.keysOf(name).keys()) {
				if (redis.commands().exists(key).get(5, TimeUnit.SECONDS) > 0) {
					String text = new String(key, StandardCharsets.UTF_8);
					stored.add(text.substring(text.lastIndexOf(':') + 1));
				}
			}
		}
		return stored;
	}

	@Override
	protected QueueRegistry newRegistry(Scheduler scheduler, QueueListener listener, QueueConfig defaults,
			boolean autoCreate, Duration dedupWindow) {
		RedisConnections redis = RedisConnections.open(client());
		this.opened.push(redis);
		RedisQueueRegistry registry = new RedisQueueRegistry(redis, new RedisQueueRegistry.Settings(scheduler, listener,
				defaults, autoCreate, dedupWindow, 1000, this.prefix, Duration.ofSeconds(1), Duration.ofSeconds(5)));
		this.opened.push(registry);
		return registry;
	}

}
