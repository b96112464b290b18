package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.SystemScheduler;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.support.RedisServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue contract on a real {@code redis-server}. */
class RedisJobQueueContractTest extends RedisContractTest {

	private static RedisServer server;

	private static RedisClient client;

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
		client = RedisClient.create(server.uri());
	}

	@AfterAll
	static void stopRedis() {
		if (client != null) {
			client.shutdown();
		}
		if (server != null) {
			server.close();
		}
	}

	@Override
	protected AbstractRedisClient client() {
		return client;
	}

	/**
	 * Not part of the shared contract (the memory backend's queues end with the process):
	 * a registry that closes answers what in-process callers, such as the workers, still
	 * wait for, rather than leaving them parked on timers that will never fire.
	 */
	@Test
	void closingTheRegistryAnswersRequestsParkedOnIt() throws Exception {
		try (SystemScheduler scheduler = new SystemScheduler();
				RedisConnections redis = RedisConnections.open(client)) {
			RedisQueueRegistry registry = new RedisQueueRegistry(redis,
					new RedisQueueRegistry.Settings(scheduler, QueueListener.NONE, QueueConfig.DEFAULTS.withCapacity(1),
							true, Duration.ofMinutes(1), 10, "closing", Duration.ofSeconds(1), Duration.ofSeconds(5)));
			JobQueue full = registry.obtain("full");
			assertThat(full.put(Payload.of("\"first\""), PutOptions.noWait()).get(5, TimeUnit.SECONDS))
				.isInstanceOf(PutOutcome.Accepted.class);
			CompletableFuture<PutOutcome> put = full.put(Payload.of("\"second\""),
					PutOptions.waiting(Duration.ofMinutes(1)));
			CompletableFuture<Boolean> join = full.join(Duration.ofMinutes(1));
			JobQueue empty = registry.obtain("empty");
			CompletableFuture<TakeOutcome> take = empty.take(TakeOptions.leased(Duration.ofMinutes(1)));
			Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.until(() -> full.snapshot().join().waitingPutters() == 1
						&& empty.snapshot().join().waitingTakers() == 1);

			registry.close();

			assertThat(take.get(5, TimeUnit.SECONDS)).isInstanceOf(TakeOutcome.Empty.class);
			assertThat(put).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(BackendUnavailableException.class);
			assertThat(join).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(BackendUnavailableException.class);
		}
	}

}
