package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;

import dev.dispatch.queue.JobQueueContractTest;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.support.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The queue contract on a real 3-primary Redis Cluster: a queue lives on one shard, its
 * dead-letter queue usually on another. Each test has a key prefix of its own.
 */
class RedisClusterJobQueueContractTest extends JobQueueContractTest {

	private static final AtomicInteger tests = new AtomicInteger();

	private static RedisCluster cluster;

	private static RedisClusterClient client;

	private final String prefix = "cluster" + tests.incrementAndGet();

	private final Deque<AutoCloseable> opened = new ArrayDeque<>();

	@BeforeAll
	static void startRedis() {
		cluster = RedisCluster.start();
		client = RedisClusterClient
			.create(cluster.nodes().stream().map((node) -> RedisURI.create("redis://" + node)).toList());
	}

	@AfterAll
	static void stopRedis() {
		if (client != null) {
			client.shutdown();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@AfterEach
	void closeRegistries() throws Exception {
		while (!this.opened.isEmpty()) {
			this.opened.pop().close();
		}
	}

	@Override
	protected QueueRegistry newRegistry(Scheduler scheduler, QueueListener listener, QueueConfig defaults,
			boolean autoCreate, Duration dedupWindow) {
		RedisConnections redis = RedisConnections.open(client);
		this.opened.push(redis);
		RedisQueueRegistry registry = new RedisQueueRegistry(redis, new RedisQueueRegistry.Settings(scheduler, listener,
				defaults, autoCreate, dedupWindow, 1000, this.prefix, Duration.ofSeconds(1), Duration.ofSeconds(5)));
		this.opened.push(registry);
		return registry;
	}

}
