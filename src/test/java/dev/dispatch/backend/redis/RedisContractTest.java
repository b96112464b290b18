package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.AbstractRedisClient;

import dev.dispatch.queue.JobQueueContractTest;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;
import org.junit.jupiter.api.AfterEach;

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
