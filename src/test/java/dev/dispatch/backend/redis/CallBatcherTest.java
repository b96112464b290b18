package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.ManualScheduler;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.support.RedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A queue's calls that come while one is out go to Redis together ({@link CallBatcher}):
 * they run in the order they came, each answered as if alone, in fewer calls; on a Redis
 * out of memory the takes among them are still served; when Redis does not answer, none
 * of them waits past the timeout of the call that was out.
 */
class CallBatcherTest {

	private static final Pattern FCALLS = Pattern.compile("cmdstat_fcall:calls=(\\d+)");

	@Test
	void callsThatComeTogetherRunInTheirOrderInFewerCalls() throws Exception {
		try (RedisServer server = RedisServer.start()) {
			RedisClient client = RedisClient.create(server.uri());
			try (RedisConnections redis = RedisConnections.open(client);
					RedisQueueRegistry registry = registry(redis)) {
				JobQueue queue = registry.obtain("q");
				server.command("CONFIG", "RESETSTAT");
				int n = 300;
				List<CompletableFuture<PutOutcome>> puts = new ArrayList<>();
				for (int i = 0; i < n; i++) {
					puts.add(queue.put(Payload.of(Integer.toString(i)), PutOptions.noWait()));
				}
				List<String> ids = new ArrayList<>();
				for (CompletableFuture<PutOutcome> put : puts) {
					ids.add(((PutOutcome.Accepted) put.get(10, TimeUnit.SECONDS)).jobId());
				}
				List<CompletableFuture<TakeOutcome>> takes = new ArrayList<>();
				for (int i = 0; i < n; i++) {
					takes.add(queue.take(TakeOptions.leased(Duration.ZERO)));
				}
				List<CompletableFuture<Boolean>> acks = new ArrayList<>();
				for (int i = 0; i < n; i++) {
					Delivery delivery = ((TakeOutcome.Delivered) takes.get(i).get(10, TimeUnit.SECONDS)).deliveries()
						.getFirst();
					assertThat(delivery.jobId()).as("take %d gets the job put %d", i, i).isEqualTo(ids.get(i));
					assertThat(delivery.payload()).isEqualTo(Payload.of(Integer.toString(i)));
					acks.add(queue.ack(delivery.leaseId()));
				}
				for (CompletableFuture<Boolean> ack : acks) {
					assertThat(ack.get(10, TimeUnit.SECONDS)).isTrue();
				}
				assertThat(queue.snapshot().get(10, TimeUnit.SECONDS).unfinished()).isZero();
				assertThat(fcalls(server)).as("calls for %d puts, takes and acks", 3 * n).isLessThan(3 * n);
			}
			finally {
				client.shutdown();
			}
		}
	}

	@Test
	void onAFullRedisTheTakesThatCameWithPutsAreServed() throws Exception {
		try (RedisServer server = RedisServer.start("maxmemory 3mb", "maxmemory-policy noeviction")) {
			RedisClient client = RedisClient.create(server.uri());
			try (RedisConnections redis = RedisConnections.open(client);
					RedisQueueRegistry registry = registry(redis)) {
				JobQueue queue = registry.obtain("q");
				Payload big = Payload.of("\"" + "x".repeat(64 * 1024) + "\"");
				int accepted = 0;
				PutOutcome refused;
				while ((refused = queue.put(big, PutOptions.noWait())
					.get(5, TimeUnit.SECONDS)) instanceof PutOutcome.Accepted) {
					accepted++;
					assertThat(accepted).isLessThan(1000);
				}
				assertThat(refused).as("Redis is full").isInstanceOf(PutOutcome.StorageFull.class);
				List<CompletableFuture<PutOutcome>> puts = new ArrayList<>();
				List<CompletableFuture<TakeOutcome>> takes = new ArrayList<>();
				for (int i = 0; i < 10; i++) {
					puts.add(queue.put(big, PutOptions.noWait()));
					takes.add(queue.take(TakeOptions.autoAcked(Duration.ZERO)));
				}
				for (int i = 0; i < 10; i++) {
					assertThat(takes.get(i).get(5, TimeUnit.SECONDS)).isInstanceOf(TakeOutcome.Delivered.class);
				}
				// each put finds Redis full or, after takes that went before it freed
				// memory, room: the order of the two in the calls is not the point
				for (CompletableFuture<PutOutcome> put : puts) {
					assertThat(put.get(5, TimeUnit.SECONDS)).isInstanceOfAny(PutOutcome.StorageFull.class,
							PutOutcome.Accepted.class);
				}
			}
			finally {
				client.shutdown();
			}
		}
	}

	@Test
	void whenRedisDoesNotAnswerNoneOfTheWaitingCallsHangs() throws Exception {
		try (RedisServer server = RedisServer.start()) {
			RedisClient client = RedisClient.create(server.uri());
			// as the service sets its client: refused at once while disconnected, and
			// never
			// waiting past the timeout
			client.setOptions(ClientOptions.builder()
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(1)))
				.build());
			try (RedisConnections redis = RedisConnections.open(client);
					RedisQueueRegistry registry = registry(redis)) {
				JobQueue queue = registry.obtain("q");
				server.command("CLIENT", "PAUSE", "30000", "ALL");
				List<CompletableFuture<PutOutcome>> puts = new ArrayList<>();
				for (int i = 0; i < 20; i++) {
					puts.add(queue.put(Payload.of(Integer.toString(i)), PutOptions.noWait()));
				}
				for (CompletableFuture<PutOutcome> put : puts) {
					assertThatThrownBy(() -> put.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
						.hasCauseInstanceOf(BackendUnavailableException.class);
				}
			}
			finally {
				client.shutdown();
			}
		}
	}

	@Test
	void leasesFoundRunOutByCallsThatWentTogetherAreCountedOnce() throws Exception {
		ManualScheduler clock = new ManualScheduler();
		AtomicInteger expired = new AtomicInteger();
		QueueListener listener = new QueueListener() {
			@Override
			public void expired(String queue) {
				expired.incrementAndGet();
			}
		};
		try (RedisServer server = RedisServer.start()) {
			RedisClient client = RedisClient.create(server.uri());
			try (RedisConnections redis = RedisConnections.open(client);
					RedisQueueRegistry registry = registry(redis, clock, listener)) {
				JobQueue queue = registry.obtain("q");
				int leased = 5;
				for (int i = 0; i < leased; i++) {
					queue.put(Payload.of(Integer.toString(i)), PutOptions.noWait()).get(10, TimeUnit.SECONDS);
					assertThat(queue.take(TakeOptions.leased(Duration.ZERO).withLease(Duration.ofSeconds(1)))
						.get(10, TimeUnit.SECONDS)).isInstanceOf(TakeOutcome.Delivered.class);
				}
				server.command("CONFIG", "RESETSTAT");
				// the first put goes alone and is held by Redis while the others come;
				// the
				// leases run out before they go, together (the room's own look at the
				// queue, which the clock's move starts, waits behind them)
				server.command("CLIENT", "PAUSE", "300", "ALL");
				List<CompletableFuture<PutOutcome>> puts = new ArrayList<>();
				puts.add(queue.put(Payload.of("first"), PutOptions.noWait()));
				int together = 20;
				for (int i = 0; i < together; i++) {
					puts.add(queue.put(Payload.of(Integer.toString(i)), PutOptions.noWait()));
				}
				clock.advance(Duration.ofSeconds(2));
				for (CompletableFuture<PutOutcome> put : puts) {
					assertThat(put.get(10, TimeUnit.SECONDS)).isInstanceOf(PutOutcome.Accepted.class);
				}
				assertThat(fcalls(server)).as("calls for %d puts", together + 1).isLessThan(together);
				assertThat(expired).as("leases run out, each told once").hasValue(leased);
			}
			finally {
				client.shutdown();
			}
		}
	}

	private static RedisQueueRegistry registry(RedisConnections redis) {
		return registry(redis, new ManualScheduler(), QueueListener.NONE);
	}

	private static RedisQueueRegistry registry(RedisConnections redis, ManualScheduler clock, QueueListener listener) {
		return new RedisQueueRegistry(redis,
				new RedisQueueRegistry.Settings(clock, listener, QueueConfig.DEFAULTS.withCapacity(100_000), true,
						Duration.ofMinutes(10), 100, "batched", Duration.ofSeconds(1), Duration.ofSeconds(2)));
	}

	private static long fcalls(RedisServer server) {
		Matcher calls = FCALLS.matcher(server.command("INFO", "commandstats"));
		assertThat(calls.find()).isTrue();
		return Long.parseLong(calls.group(1));
	}

}
