package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.Lane;
import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.support.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wake-ups between two registries on one real {@code redis-server}, as two replicas have
 * them: a replica hears a queue's wake channel only while requests are parked on it there
 * (and a quiet period after), and a request parked on one replica is served through a
 * wake-up when a put goes through the other — not by the periodic recheck, which these
 * tests set too long to answer in time.
 */
class RedisWakeupTest {

	private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);

	private static RedisServer server;

	private static RedisClient observer;

	private static StatefulRedisConnection<String, String> watching;

	private final Replicas replicas = new Replicas(server.uri(), REDIS_TIMEOUT);

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
		observer = RedisClient.create(server.uri());
		watching = observer.connect();
	}

	@AfterAll
	static void stopRedis() {
		if (observer != null) {
			watching.close();
			observer.shutdown();
		}
		if (server != null) {
			server.close();
		}
	}

	@AfterEach
	void closeReplicas() throws Exception {
		this.replicas.close();
	}

	@Test
	void aTakeParkedOnOneReplicaIsWokenByAPutThroughTheOther() throws Exception {
		RedisQueueRegistry a = replica("wake", Duration.ofMinutes(5));
		RedisQueueRegistry b = replica("wake", Duration.ofMinutes(5));
		a.configure("q", QueueConfig.DEFAULTS.withCapacity(10));
		CompletableFuture<TakeOutcome> parked = b.require("q").take(TakeOptions.leased(Duration.ofMinutes(1)));
		awaitListeners("wake", "q", 1);
		assertThat(parked).isNotDone();

		PutOutcome put = a.require("q").put(Payload.of("1"), PutOptions.noWait()).get(5, TimeUnit.SECONDS);

		assertThat(put).isInstanceOf(PutOutcome.Accepted.class);
		TakeOutcome taken = parked.get(5, TimeUnit.SECONDS);
		assertThat(taken).isInstanceOf(TakeOutcome.Delivered.class);
		assertThat(((TakeOutcome.Delivered) taken).deliveries().get(0).jobId())
			.isEqualTo(((PutOutcome.Accepted) put).jobId());
		// the put's replica has nothing parked: it never heard the channel
		assertThat(listeners("wake", "q")).isEqualTo(1);
	}

	@Test
	void aPutParkedOnAFullQueueIsWokenByATakeThroughTheOther() throws Exception {
		RedisQueueRegistry a = replica("room", Duration.ofMinutes(5));
		RedisQueueRegistry b = replica("room", Duration.ofMinutes(5));
		a.configure("q", QueueConfig.DEFAULTS.withCapacity(1));
		JobQueue onA = a.require("q");
		assertThat(onA.put(Payload.of("1"), PutOptions.noWait()).get(5, TimeUnit.SECONDS))
			.isInstanceOf(PutOutcome.Accepted.class);
		CompletableFuture<PutOutcome> parked = b.require("q")
			.put(Payload.of("2"), PutOptions.waiting(Duration.ofMinutes(1)));
		awaitListeners("room", "q", 1);

		assertThat(onA.take(TakeOptions.autoAcked(Duration.ZERO)).get(5, TimeUnit.SECONDS))
			.isInstanceOf(TakeOutcome.Delivered.class);

		assertThat(parked.get(5, TimeUnit.SECONDS)).isInstanceOf(PutOutcome.Accepted.class);
	}

	/**
	 * The limit on leases in flight holds across replicas: a take parked on one replica
	 * while the other holds the only lease the limit allows is woken by that lease's ack.
	 */
	@Test
	void aTakeHeldBackByTheLimitOnOneReplicaIsWokenByAnAckThroughTheOther() throws Exception {
		heldBackOnOneReplicaWokenThroughTheOther("limit", QueueConfig.DEFAULTS.withCapacity(10).withMaxInFlight(1),
				PutOptions.noWait());
	}

	/**
	 * So does the limit per group: the take parked on one replica, held back because the
	 * only ready job's group holds the one lease the limit allows through the other, is
	 * woken by that lease's ack (which publishes a wake-up: a lease ended with jobs
	 * ready).
	 */
	@Test
	void aTakeHeldBackByTheLimitPerGroupIsWokenByAnAckThroughTheOther() throws Exception {
		heldBackOnOneReplicaWokenThroughTheOther("group",
				QueueConfig.DEFAULTS.withCapacity(10).withMaxInFlightPerGroup(1),
				PutOptions.noWait().withLane(Lane.of(5, "tenant-a")));
	}

	/**
	 * Under the limit per group, only the end of a lease whose group held as many as the
	 * limit allows publishes a wake-up (with jobs ready): a take is held back by such
	 * groups alone, and a wake-up on every ack of a busy queue would reach every replica
	 * for nothing.
	 */
	@Test
	void onlyALeaseEndThatFreesAGroupAtItsLimitPublishesAWakeUp() throws Exception {
		RedisQueueRegistry a = replica("freed", Duration.ofMinutes(5));
		a.configure("q", QueueConfig.DEFAULTS.withCapacity(10).withMaxInFlightPerGroup(2));
		JobQueue queue = a.require("q");
		for (String group : List.of("a", "a", "b", "a")) {
			queue.put(Payload.of(group), PutOptions.noWait().withLane(Lane.of(5, group))).get(5, TimeUnit.SECONDS);
		}
		TakeOutcome taken = queue.take(TakeOptions.leased(Duration.ZERO).withMax(3)).get(5, TimeUnit.SECONDS);
		List<Delivery> leased = ((TakeOutcome.Delivered) taken).deliveries();
		assertThat(leased).extracting((delivery) -> delivery.payload().asString()).containsExactly("a", "b", "a");
		long before = wakeUpsPublished();

		assertThat(queue.ack(leased.get(1).leaseId()).get(5, TimeUnit.SECONDS)).isTrue();
		assertThat(wakeUpsPublished()).as("group b held one lease of the two allowed").isEqualTo(before);

		assertThat(queue.ack(leased.get(0).leaseId()).get(5, TimeUnit.SECONDS)).isTrue();
		assertThat(wakeUpsPublished()).as("group a held both, and its third job is ready").isEqualTo(before + 1);
	}

	private static long wakeUpsPublished() {
		Matcher calls = Pattern.compile("cmdstat_spublish:calls=(\\d+)").matcher(watching.sync().info("commandstats"));
		return calls.find() ? Long.parseLong(calls.group(1)) : 0;
	}

	private void heldBackOnOneReplicaWokenThroughTheOther(String prefix, QueueConfig config, PutOptions put)
			throws Exception {
		RedisQueueRegistry a = replica(prefix, Duration.ofMinutes(5));
		RedisQueueRegistry b = replica(prefix, Duration.ofMinutes(5));
		a.configure("q", config);
		JobQueue onA = a.require("q");
		onA.put(Payload.of("1"), put).get(5, TimeUnit.SECONDS);
		onA.put(Payload.of("2"), put).get(5, TimeUnit.SECONDS);
		TakeOutcome held = onA.take(TakeOptions.leased(Duration.ZERO)).get(5, TimeUnit.SECONDS);
		CompletableFuture<TakeOutcome> parked = b.require("q").take(TakeOptions.leased(Duration.ofMinutes(1)));
		awaitListeners(prefix, "q", 1);
		Thread.sleep(100);
		assertThat(parked).as("held back: a job is ready, but the one lease allowed is held").isNotDone();

		assertThat(onA.ack(((TakeOutcome.Delivered) held).deliveries().getFirst().leaseId()).get(5, TimeUnit.SECONDS))
			.isTrue();

		TakeOutcome taken = parked.get(5, TimeUnit.SECONDS);
		assertThat(((TakeOutcome.Delivered) taken).deliveries().getFirst().payload().asString()).isEqualTo("2");
	}

	/**
	 * The limit on leases per second holds across replicas (its bucket is the queue's, in
	 * Redis): at one a second, the lease taken through one replica leaves none for a take
	 * through the other, whose parked take is served when the rate allows the next (its
	 * replica looks again then; nothing publishes a wake-up for it).
	 */
	@Test
	void theRateHoldsAcrossReplicas() throws Exception {
		RedisQueueRegistry a = replica("rate", Duration.ofMinutes(5));
		RedisQueueRegistry b = replica("rate", Duration.ofMinutes(5));
		a.configure("q", QueueConfig.DEFAULTS.withCapacity(10).withMaxLeasesPerSecond(1));
		JobQueue onA = a.require("q");
		JobQueue onB = b.require("q");
		onA.put(Payload.of("1"), PutOptions.noWait()).get(5, TimeUnit.SECONDS);
		onA.put(Payload.of("2"), PutOptions.noWait()).get(5, TimeUnit.SECONDS);
		assertThat(onA.take(TakeOptions.leased(Duration.ZERO)).get(5, TimeUnit.SECONDS))
			.isInstanceOf(TakeOutcome.Delivered.class);
		assertThat(onB.take(TakeOptions.leased(Duration.ZERO)).get(5, TimeUnit.SECONDS))
			.as("the one lease of this second went through the other replica")
			.isInstanceOf(TakeOutcome.Empty.class);

		TakeOutcome taken = onB.take(TakeOptions.leased(Duration.ofMinutes(1))).get(5, TimeUnit.SECONDS);
		assertThat(((TakeOutcome.Delivered) taken).deliveries().getFirst().payload().asString()).isEqualTo("2");
	}

	@Test
	void aReplicaLeavesTheChannelOnceNothingHasBeenParkedThereForAWhile() throws Exception {
		// 30 quiet rechecks of 20 ms: the channel is left after some 0.6 s
		RedisQueueRegistry b = replica("quiet", Duration.ofMillis(20));
		b.configure("q", QueueConfig.DEFAULTS.withCapacity(10));
		assertThat(listeners("quiet", "q")).isZero();

		CompletableFuture<TakeOutcome> parked = b.require("q").take(TakeOptions.leased(Duration.ofMinutes(1)));
		awaitListeners("quiet", "q", 1);
		parked.cancel(false);

		awaitListeners("quiet", "q", 0);
		// and hears it again when a request parks again
		CompletableFuture<TakeOutcome> again = b.require("q").take(TakeOptions.leased(Duration.ofMinutes(1)));
		awaitListeners("quiet", "q", 1);
		assertThat(again).isNotDone();
	}

	@Test
	void aDeletedQueueIsNoLongerHeard() throws Exception {
		RedisQueueRegistry b = replica("gone", Duration.ofMinutes(5));
		b.configure("q", QueueConfig.DEFAULTS.withCapacity(10));
		CompletableFuture<TakeOutcome> parked = b.require("q").take(TakeOptions.leased(Duration.ofMinutes(1)));
		awaitListeners("gone", "q", 1);

		assertThat(b.delete("q", false)).isTrue();

		assertThat(parked.get(5, TimeUnit.SECONDS)).isInstanceOf(TakeOutcome.Drained.class);
		awaitListeners("gone", "q", 0);
	}

	/**
	 * A batch parked for room for all its jobs is tried again when that much room came,
	 * not on every answer that shows some room, nor for a take parked beside it (it never
	 * hands its jobs to one): it waits without sending Redis anything.
	 */
	@Test
	void aParkedBatchWaitsForRoomForAllOfItWithoutTryingAgainMeanwhile() throws Exception {
		RedisQueueRegistry a = replica("batch", Duration.ofMinutes(5));
		a.configure("q", QueueConfig.DEFAULTS.withCapacity(3));
		JobQueue queue = a.require("q");
		for (int i = 0; i < 2; i++) {
			queue.put(Payload.of(Integer.toString(i)), PutOptions.noWait()).get(5, TimeUnit.SECONDS);
		}
		CompletableFuture<PutOutcome> batch = queue
			.putAll(List.of(NewJob.of(Payload.of("a")), NewJob.of(Payload.of("b"))), Duration.ofMinutes(1));
		awaitListeners("batch", "q", 1);
		long before = scriptRuns();
		assertThat(before).as("the puts' functions, counted").isGreaterThanOrEqualTo(3);
		Thread.sleep(300);
		assertThat(scriptRuns() - before).as("scripts run while the batch waited with room for 1 of 2").isLessThan(5);
		assertThat(batch).isNotDone();

		TakeOutcome taken = queue.take(TakeOptions.autoAcked(Duration.ZERO)).get(5, TimeUnit.SECONDS);
		assertThat(taken).isInstanceOf(TakeOutcome.Delivered.class);
		assertThat(batch.get(5, TimeUnit.SECONDS)).isInstanceOf(PutOutcome.AcceptedAll.class);
	}

	/** Functions Redis has run so far ({@code FCALL}s: every queue operation is one). */
	private static long scriptRuns() {
		String stats = watching.sync().info("commandstats");
		java.util.regex.Matcher calls = java.util.regex.Pattern.compile("cmdstat_fcall:calls=(\\d+)").matcher(stats);
		return calls.find() ? Long.parseLong(calls.group(1)) : 0;
	}

	private RedisQueueRegistry replica(String keyPrefix, Duration recheckPeriod) {
		return this.replicas.open(keyPrefix, recheckPeriod);
	}

	/** How many connections hear the queue's wake channel (sharded pub/sub). */
	private static long listeners(String keyPrefix, String queue) {
		String channel = keyPrefix + ":{" + queue + "}:wake";
		return watching.sync().pubsubShardNumsub(channel).getOrDefault(channel, 0L);
	}

	private static void awaitListeners(String keyPrefix, String queue, long count) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> listeners(keyPrefix, queue) == count);
	}

}
