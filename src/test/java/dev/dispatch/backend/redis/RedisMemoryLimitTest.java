package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;

import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.ManualScheduler;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.support.RedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis at its {@code maxmemory} with {@code noeviction}: puts answer storage-full at
 * once, takes and acks go on, and room comes back as jobs are settled; the registry reads
 * the eviction policy it warns about at start-up.
 */
class RedisMemoryLimitTest {

	@Test
	void aFullRedisRefusesPutsAndKeepsServingConsumers() throws Exception {
		try (RedisServer server = RedisServer.start("maxmemory 3mb", "maxmemory-policy noeviction")) {
			RedisClient client = RedisClient.create(server.uri());
			try (RedisConnections redis = RedisConnections.open(client);
					RedisQueueRegistry registry = new RedisQueueRegistry(redis,
							new RedisQueueRegistry.Settings(new ManualScheduler(), QueueListener.NONE,
									QueueConfig.DEFAULTS.withCapacity(100_000), true, Duration.ofMinutes(10), 100,
									"full", Duration.ofSeconds(1), Duration.ofSeconds(2)))) {
				assertThat(registry.evictionPolicy()).hasValue("noeviction");
				JobQueue queue = registry.obtain("q");
				Payload big = Payload.of("\"" + "x".repeat(64 * 1024) + "\"");
				int accepted = 0;
				PutOutcome outcome;
				do {
					outcome = queue.put(big, PutOptions.noWait()).get(5, TimeUnit.SECONDS);
					if (outcome instanceof PutOutcome.Accepted) {
						accepted++;
					}
				}
				while (outcome instanceof PutOutcome.Accepted && accepted < 1000);
				assertThat(outcome).isInstanceOf(PutOutcome.StorageFull.class);
				assertThat(accepted).isPositive().isLessThan(1000);

				for (int i = 0; i < 10; i++) {
					Delivery delivery = ((TakeOutcome.Delivered) queue.take(TakeOptions.leased(Duration.ZERO))
						.get(5, TimeUnit.SECONDS)).deliveries().getFirst();
					assertThat(queue.ack(delivery.leaseId()).get(5, TimeUnit.SECONDS)).isTrue();
				}
				assertThat(queue.put(big, PutOptions.noWait()).get(5, TimeUnit.SECONDS))
					.as("room came back as jobs were settled")
					.isInstanceOf(PutOutcome.Accepted.class);
			}
			finally {
				client.shutdown();
			}
		}
	}

}
