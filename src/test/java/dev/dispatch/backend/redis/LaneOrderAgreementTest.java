package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;

import dev.dispatch.backend.memory.MemoryQueueRegistry;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.ManualScheduler;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.Lane;
import dev.dispatch.queue.job.Lanes;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.support.RedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory and the Redis backend, given the same random operations on jobs of random
 * lanes (puts, delayed puts, takes of one to three, acks, nacks with and without a delay,
 * releases, time going by), hand out the jobs in the same order: the order of lanes is
 * one rule, written twice, and here the two are held to each other step by step.
 */
class LaneOrderAgreementTest {

	private static final Duration LEASE = Duration.ofHours(1);

	@Test
	void bothBackendsServeTheSameJobsInTheSameOrder() throws Exception {
		try (RedisServer server = RedisServer.start()) {
			RedisClient client = RedisClient.create(server.uri());
			try (RedisConnections redis = RedisConnections.open(client)) {
				// seeds 7 to 10 with a limit per group, changed live now and then
				for (long seed = 1; seed <= 10; seed++) {
					ManualScheduler time = new ManualScheduler();
					QueueConfig config = new QueueConfig(10_000, LEASE, 4, null, 0, 0,
							(seed > 6) ? (int) seed % 3 + 1 : 0);
					MemoryQueueRegistry memory = new MemoryQueueRegistry(time, QueueListener.NONE, config, true,
							Duration.ofMinutes(10));
					try (RedisQueueRegistry shared = new RedisQueueRegistry(redis,
							new RedisQueueRegistry.Settings(time, QueueListener.NONE, config, true,
									Duration.ofMinutes(10), 100, "agree" + seed, Duration.ofSeconds(1),
									Duration.ofSeconds(5)))) {
						play(seed, time, memory, shared);
					}
				}
			}
			finally {
				client.shutdown();
			}
		}
	}

	private static void play(long seed, ManualScheduler time, QueueRegistry memory, QueueRegistry shared)
			throws Exception {
		Random random = new Random(seed);
		JobQueue a = memory.obtain("q");
		JobQueue b = shared.obtain("q");
		List<String[]> held = new ArrayList<>();
		Deque<String> recent = new ArrayDeque<>();
		int taken = 0;
		for (int step = 0; step < 2500; step++) {
			int what = random.nextInt(100);
			int perGroup = done(a.snapshot()).config().maxInFlightPerGroup();
			if (perGroup > 0 && random.nextInt(50) == 0) {
				int limit = random.nextInt(4);
				QueueConfig config = done(a.snapshot()).config().withMaxInFlightPerGroup(limit);
				memory.configure("q", config);
				shared.configure("q", config);
				note(recent, "limit per group " + limit);
			}
			else if (what < 40) {
				// a delay that falls due at a time no other does: ties are not part of
				// the rule
				Duration delay = (random.nextInt(5) == 0) ? Duration.ofMillis(1000L * step + 7) : Duration.ZERO;
				Lane lane = Lanes.random(random);
				PutOptions options = PutOptions.noWait().withLane(lane).withDelay(delay);
				Payload payload = Payload.of(Integer.toString(step));
				done(a.put(payload, options));
				done(b.put(payload, options));
				note(recent, "put " + step + " " + lane + ((delay.isZero()) ? "" : " due " + delay.toMillis()));
			}
			else if (what < 70) {
				TakeOptions options = TakeOptions.leased(Duration.ZERO).withMax(1 + random.nextInt(3));
				List<Delivery> fromA = delivered(done(a.take(options)));
				List<Delivery> fromB = delivered(done(b.take(options)));
				note(recent, "take " + payloads(fromA));
				assertThat(payloads(fromB)).as("seed %d, step %d: take, after %s", seed, step, recent)
					.containsExactlyElementsOf(payloads(fromA));
				for (int i = 0; i < fromA.size(); i++) {
					held.add(new String[] { fromA.get(i).leaseId(), fromB.get(i).leaseId() });
					assertThat(fromB.get(i).lane()).isEqualTo(fromA.get(i).lane());
				}
				taken += fromA.size();
			}
			else if (what < 95 && !held.isEmpty()) {
				String[] lease = held.remove(random.nextInt(held.size()));
				int how = random.nextInt(4);
				Duration delay = (random.nextBoolean()) ? Duration.ZERO : Duration.ofMillis(1000L * step + 3);
				for (int side = 0; side < 2; side++) {
					JobQueue queue = (side == 0) ? a : b;
					boolean settled = switch (how) {
						case 0, 1 -> done(queue.ack(lease[side]));
						case 2 -> done(queue.nack(lease[side], delay));
						default -> done(queue.release(lease[side]));
					};
					assertThat(settled).isTrue();
				}
				note(recent, List.of("ack", "ack", "nack " + delay.toMillis(), "release").get(how) + " " + lease[0]);
			}
			else {
				Duration by = Duration.ofMillis(random.nextInt(30_000));
				time.advance(by);
				note(recent, "advance to " + time.now().toEpochMilli());
			}
			assertThat(done(b.snapshot()).size()).as("seed %d, step %d: ready", seed, step)
				.isEqualTo(done(a.snapshot()).size());
			assertThat(done(b.snapshot()).groupLimited())
				.as("seed %d, step %d: held by the limit per group", seed, step)
				.isEqualTo(done(a.snapshot()).groupLimited());
		}
		assertThat(taken).as("enough takes to mean something").isGreaterThan(500);
	}

	/** Keeps the last 40 operations, for a failure's message. */
	private static void note(Deque<String> recent, String operation) {
		recent.addLast(operation);
		if (recent.size() > 40) {
			recent.removeFirst();
		}
	}

	private static <T> T done(java.util.concurrent.CompletableFuture<T> future) throws Exception {
		return future.get(10, TimeUnit.SECONDS);
	}

	private static List<Delivery> delivered(TakeOutcome outcome) {
		return (outcome instanceof TakeOutcome.Delivered delivered) ? delivered.deliveries() : List.of();
	}

	private static List<String> payloads(List<Delivery> deliveries) {
		return deliveries.stream().map((delivery) -> delivery.payload().asString()).toList();
	}

}
