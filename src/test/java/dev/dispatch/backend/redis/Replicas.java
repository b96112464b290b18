package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;

import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.SystemScheduler;

/**
 * Registries on one Redis as replicas have them — each with a client, connections and
 * timers of its own — closed together, last opened first.
 */
final class Replicas implements AutoCloseable {

	private final String uri;

	private final Duration timeout;

	private final Deque<AutoCloseable> opened = new ArrayDeque<>();

	/**
	 * @param uri the Redis to use
	 * @param timeout how long Redis may take to answer one command
	 */
	Replicas(String uri, Duration timeout) {
		this.uri = uri;
		this.timeout = timeout;
	}

	/** A new replica's registry: no auto-create, 10 queues at most. */
	RedisQueueRegistry open(String keyPrefix, Duration recheckPeriod) {
		SystemScheduler scheduler = new SystemScheduler();
		this.opened.push(scheduler);
		RedisClient client = RedisClient.create(this.uri);
		client.setOptions(ClientOptions.builder().timeoutOptions(TimeoutOptions.enabled(this.timeout)).build());
		this.opened.push(client::shutdown);
		RedisConnections redis = RedisConnections.open(client);
		this.opened.push(redis);
		RedisQueueRegistry registry = new RedisQueueRegistry(redis,
				new RedisQueueRegistry.Settings(scheduler, QueueListener.NONE, QueueConfig.DEFAULTS, false,
						Duration.ofMinutes(10), 10, keyPrefix, recheckPeriod, this.timeout));
		this.opened.push(registry);
		return registry;
	}

	@Override
	public void close() throws Exception {
		while (!this.opened.isEmpty()) {
			this.opened.pop().close();
		}
	}

}
