package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.Lanes;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.Redrive;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Randomized stress on a real {@code redis-server}, with two registries on one key prefix
 * serving one queue as two replicas would: producers and consumers on real threads and
 * the system clock (two replicas racing for real cannot share a manual one), spread over
 * both replicas, through a small queue, with random waits (so waits elapse), random
 * cancellation of parked operations, batch puts, random batch sizes, and consumers that
 * ack, extend, nack, release or abandon what they get, one lease at a time or a take's
 * leases in one batch settle, through either replica (so leases expire and jobs are
 * dead-lettered). An operator pauses and purges the queue now and then and redrives its
 * dead letters home, and it is closed through one replica while producers on both are
 * still at work.
 *
 * <p>
 * Afterwards every accepted job was acked exactly once, sits in the dead-letter queue, or
 * was purged (no more of them than the purges counted), none was delivered after its ack
 * or more often than its attempts explain, no put that was refused or withdrawn ever
 * reached a consumer on either replica (a withdrawn put whose script is in flight waits
 * for its answer: see the design notes of {@link dev.dispatch.queue.spi.WaitingRoom}),
 * Redis holds no job data any more, and every consumer saw the queue drained. A withdrawn
 * put delivered all the same is held to the ledger like an accepted one, and reported
 * after the other checks.
 */
class RedisJobQueueStressTest {

	private static final int REPLICAS = 2;

	/** Producers and consumers are spread round-robin over the replicas. */
	private static final int PRODUCERS = 4;

	private static final int CONSUMERS = 4;

	private static final int JOBS_PER_PRODUCER = 300;

	private static final Duration LEASE = Duration.ofMillis(250);

	private static final int MAX_ATTEMPTS = 3;

	private static final int CAPACITY = 8;

	private static final Duration RECHECK_PERIOD = Duration.ofMillis(100);

	/** How long Redis may take to answer one command. */
	private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);

	/** How long one queue operation may take before the run counts as hung. */
	private static final Duration OPERATION_LIMIT = Duration.ofSeconds(10);

	/** How long one run's workers may take in all. */
	private static final Duration RUN_LIMIT = Duration.ofSeconds(30);

	private static final String QUEUE = "stress";

	private static RedisServer server;

	/** What each test opened, closed last first. */
	private final Deque<AutoCloseable> opened = new ArrayDeque<>();

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		if (server != null) {
			server.close();
		}
	}

	@AfterEach
	void closeReplicas() throws Exception {
		while (!this.opened.isEmpty()) {
			this.opened.pop().close();
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3 })
	void everyAcceptedJobIsSettledOnceOrDeadLetteredAcrossReplicas(long seed) throws Exception {
		String keyPrefix = "stress" + seed;
		List<RedisQueueRegistry> replicas = new ArrayList<>();
		for (int r = 0; r < REPLICAS; r++) {
			replicas.add(replica(keyPrefix));
		}
		replicas.get(0).configure(QUEUE, config(CAPACITY, seed));
		List<JobQueue> queues = replicas.stream().map((registry) -> registry.require(QUEUE)).toList();
		new Run(replicas.get(0), queues, keyPrefix, seed).execute();
	}

	/**
	 * The queue of a run: even seeds run with limits on leases in flight, per second and
	 * per group (kept in Redis, shared by the replicas), which the workers then meet now
	 * and then.
	 */
	private static QueueConfig config(int capacity, long seed) {
		boolean limits = seed % 2 == 0;
		return new QueueConfig(capacity, LEASE, MAX_ATTEMPTS, null, limits ? 6 : QueueConfig.UNLIMITED,
				limits ? 3000 : QueueConfig.UNLIMITED, limits ? 2 : QueueConfig.UNLIMITED);
	}

	/** A registry as one replica has it: a client, connections, timers of its own. */
	private RedisQueueRegistry replica(String keyPrefix) {
		Replicas replicas = new Replicas(server.uri(), REDIS_TIMEOUT);
		this.opened.push(replicas);
		return replicas.open(keyPrefix, RECHECK_PERIOD);
	}

	/** How a consumer settled one delivery. */
	private enum Settled {

		/** Acked, and the ack answered true. */
		ACKED,

		/** Nacked, abandoned, or its lease ran out first: the job comes again. */
		FAILED,

		/** Handed back with release: the attempt does not count. */
		RELEASED

	}

	/**
	 * One delivery as a consumer saw it.
	 *
	 * @param replica the replica whose take delivered it
	 * @param delivery what it got
	 * @param askedAt when its take was sent ({@link System#nanoTime()})
	 * @param settled what the consumer did with it
	 * @param settledAt when it knew the outcome of that ({@link System#nanoTime()})
	 */
	private record Seen(int replica, Delivery delivery, long askedAt, Settled settled, long settledAt) {

		@Override
		public String toString() {
			return "lease " + this.delivery.leaseId() + " attempt " + this.delivery.attempt() + " on replica "
					+ this.replica + ", " + this.settled;
		}

	}

	/** One run: its workers, and the ledger they keep. */
	private static final class Run {

		/** Replica 0's registry: where the dead-letter queue is read. */
		private final RedisQueueRegistry registry;

		/** The queue, as each replica has it. */
		private final List<JobQueue> queues;

		private final String keyPrefix;

		private final long seed;

		/** Payloads whose put was accepted, with their job ids. */
		private final Map<String, String> accepted = new ConcurrentHashMap<>();

		/** Payloads whose put was answered full or closed: never to be delivered. */
		private final Set<String> refused = ConcurrentHashMap.newKeySet();

		/** Payloads whose put was withdrawn, with the replica of their producer. */
		private final Map<String, Integer> withdrawn = new ConcurrentHashMap<>();

		/** Deliveries per job id, as consumers settled them. */
		private final Map<String, Queue<Seen>> deliveries = new ConcurrentHashMap<>();

		private final AtomicInteger drainedConsumers = new AtomicInteger();

		private final AtomicInteger acceptedCount = new AtomicInteger();

		/** Jobs the purges threw away, as they counted them. */
		private final AtomicInteger purged = new AtomicInteger();

		/**
		 * Jobs redriven home from the dead-letter queue: their attempts started again.
		 */
		private final Set<String> redriven = ConcurrentHashMap.newKeySet();

		/**
		 * Opened by the operator once a redrive moved something: the close waits for it
		 * as well as for half the jobs, so that a redrive finds an open queue.
		 */
		private final CountDownLatch redrivenOnce = new CountDownLatch(1);

		Run(RedisQueueRegistry registry, List<JobQueue> queues, String keyPrefix, long seed) {
			this.registry = registry;
			this.queues = queues;
			this.keyPrefix = keyPrefix;
			this.seed = seed;
		}

		void execute() throws Exception {
			ExecutorService threads = Executors.newFixedThreadPool(PRODUCERS + CONSUMERS + 2);
			try {
				List<Future<?>> workers = new ArrayList<>();
				SplittableRandom root = new SplittableRandom(this.seed);
				for (int p = 0; p < PRODUCERS; p++) {
					int id = p;
					SplittableRandom random = root.split();
					workers.add(threads.submit(() -> produce(id, id % REPLICAS, random)));
				}
				for (int c = 0; c < CONSUMERS; c++) {
					int replica = c % REPLICAS;
					SplittableRandom random = root.split();
					workers.add(threads.submit(() -> consume(replica, random)));
				}
				int closer = root.nextInt(REPLICAS);
				workers.add(threads.submit(() -> closeMidway(closer)));
				int operator = root.nextInt(REPLICAS);
				workers.add(threads.submit(() -> purgeNowAndThen(operator)));
				long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
				for (Future<?> worker : workers) {
					finish(worker, deadline);
				}
			}
			finally {
				threads.shutdownNow();
			}
			check();
		}

		private void finish(Future<?> worker, long deadline) throws InterruptedException {
			try {
				worker.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (ExecutionException ex) {
				throw new AssertionError("seed " + this.seed + ": a worker failed: " + ex.getCause(), ex.getCause());
			}
			catch (TimeoutException ex) {
				throw new AssertionError(
						"seed " + this.seed + ": workers still busy after " + RUN_LIMIT + "; "
								+ this.drainedConsumers.get() + " of " + CONSUMERS + " consumers saw the queue drained",
						ex);
			}
		}

		private void closeMidway(int replica) {
			int half = PRODUCERS * JOBS_PER_PRODUCER / 2;
			while (this.acceptedCount.get() < half) {
				LockSupport.parkNanos(100_000);
			}
			try {
				this.redrivenOnce.await(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			await(this.queues.get(replica).close(CloseMode.GRACEFUL), "close through replica " + replica);
		}

		/**
		 * As an operator would, through one replica: when a tenth, a fifth, three tenths
		 * and two fifths of the jobs were accepted (the queue closes at a half), pauses
		 * delivery until jobs wait in the queue, purges them, redrives the dead letters
		 * home and resumes; then, until a redrive has moved something, redrives again
		 * (the close waits for that); purges once more after the close.
		 */
		private void purgeNowAndThen(int replica) {
			JobQueue queue = this.queues.get(replica);
			int all = PRODUCERS * JOBS_PER_PRODUCER;
			for (int tenths = 1; tenths <= 4; tenths++) {
				while (this.acceptedCount.get() < all * tenths / 10) {
					LockSupport.parkNanos(100_000);
				}
				await(queue.pause(), "pause");
				long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
				while (await(queue.snapshot(), "snapshot").size() == 0 && System.nanoTime() < giveUp) {
					LockSupport.parkNanos(1_000_000);
				}
				this.purged.addAndGet(await(queue.purge(), "purge"));
				redrive();
				await(queue.resume(), "resume");
			}
			long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
			try {
				while (this.redriven.isEmpty()) {
					assertThat(System.nanoTime() < giveUp)
						.as("seed %d: a redrive moved something within 15 s", this.seed)
						.isTrue();
					LockSupport.parkNanos(5_000_000);
					redrive();
				}
			}
			finally {
				this.redrivenOnce.countDown();
			}
			while (!await(queue.snapshot(), "snapshot").closed()) {
				LockSupport.parkNanos(1_000_000);
			}
			this.purged.addAndGet(await(queue.purge(), "purge"));
		}

		/**
		 * Sends the dead letters home, to be delivered again (each must still settle
		 * once). A redrive moves only as many jobs as the home queue has room for when it
		 * looks, and parked producers fill any room the moment it frees up, so the
		 * operator raises the capacity for the redrive (a live capacity change, stressed
		 * along the way) and lowers it again after.
		 */
		private void redrive() {
			if (this.registry.find(QUEUE + ".dead").isEmpty()) {
				return;
			}
			this.registry.configure(QUEUE, config(CAPACITY * 4, this.seed));
			this.redriven.addAll(await(this.registry.redrive(QUEUE + ".dead", Redrive.all()), "redrive").jobIds());
			this.registry.configure(QUEUE, config(CAPACITY, this.seed));
		}

		private void produce(int producer, int replica, SplittableRandom random) {
			JobQueue queue = this.queues.get(replica);
			for (int job = 0; job < JOBS_PER_PRODUCER; job++) {
				if (job + 1 < JOBS_PER_PRODUCER && random.nextInt(5) == 0) {
					if (!produceTwo(queue, producer, replica, job, random)) {
						return;
					}
					job++;
					continue;
				}
				for (int attempt = 0;; attempt++) {
					String payload = "r" + replica + "p" + producer + "-" + job + "-" + attempt;
					CompletableFuture<PutOutcome> put = queue.put(Payload.of(payload),
							PutOptions.waiting(Duration.ofMillis(random.nextInt(6))).withLane(Lanes.random(random)));
					if (random.nextInt(10) == 0 && put.cancel(false)) {
						this.withdrawn.put(payload, replica);
						continue;
					}
					PutOutcome outcome = await(put, "put of " + payload);
					if (outcome instanceof PutOutcome.Accepted ok) {
						this.accepted.put(payload, ok.jobId());
						this.acceptedCount.incrementAndGet();
						break;
					}
					this.refused.add(payload);
					if (outcome instanceof PutOutcome.Closed) {
						return;
					}
				}
			}
		}

		/**
		 * Puts jobs {@code job} and {@code job + 1} as one batch, until accepted; false
		 * once the queue is closed.
		 */
		private boolean produceTwo(JobQueue queue, int producer, int replica, int job, SplittableRandom random) {
			for (int attempt = 0;; attempt++) {
				List<String> payloads = List.of("r" + replica + "p" + producer + "-" + job + "-" + attempt,
						"r" + replica + "p" + producer + "-" + (job + 1) + "-" + attempt);
				CompletableFuture<PutOutcome> put = queue.putAll(payloads.stream()
					.map((payload) -> NewJob.of(Payload.of(payload)).withLane(Lanes.random(random)))
					.toList(), Duration.ofMillis(random.nextInt(6)));
				if (random.nextInt(10) == 0 && put.cancel(false)) {
					payloads.forEach((payload) -> this.withdrawn.put(payload, replica));
					continue;
				}
				PutOutcome outcome = await(put, "batch put of " + payloads);
				if (outcome instanceof PutOutcome.AcceptedAll all) {
					for (int i = 0; i < payloads.size(); i++) {
						this.accepted.put(payloads.get(i), all.jobs().get(i).jobId());
						this.acceptedCount.incrementAndGet();
					}
					return true;
				}
				this.refused.addAll(payloads);
				if (outcome instanceof PutOutcome.Closed) {
					return false;
				}
			}
		}

		private void consume(int replica, SplittableRandom random) {
			JobQueue queue = this.queues.get(replica);
			for (;;) {
				TakeOptions options = TakeOptions.leased(Duration.ofMillis(random.nextInt(10)))
					.withMax(1 + random.nextInt(3));
				long askedAt = System.nanoTime();
				CompletableFuture<TakeOutcome> take = queue.take(options);
				if (random.nextInt(10) == 0 && take.cancel(false)) {
					continue;
				}
				TakeOutcome outcome = await(take, "take on replica " + replica);
				if (outcome instanceof TakeOutcome.Drained) {
					this.drainedConsumers.incrementAndGet();
					return;
				}
				if (outcome instanceof TakeOutcome.Delivered delivered) {
					if (random.nextInt(3) == 0) {
						settleAll(replica, askedAt, delivered.deliveries(), random);
						continue;
					}
					for (Delivery delivery : delivered.deliveries()) {
						settle(replica, askedAt, delivery, random);
					}
				}
			}
		}

		/**
		 * Settles a delivery through either replica, as a later request may land
		 * anywhere.
		 */
		private void settle(int replica, long askedAt, Delivery delivery, SplittableRandom random) {
			JobQueue via = this.queues.get(random.nextInt(REPLICAS));
			String leaseId = delivery.leaseId();
			int dice = random.nextInt(100);
			Settled settled;
			if (dice < 60) {
				// false: the lease ran out before the ack, and the job comes again
				settled = await(via.ack(leaseId), "ack") ? Settled.ACKED : Settled.FAILED;
			}
			else if (dice < 70) {
				await(via.extend(leaseId, LEASE), "extend");
				settled = await(via.ack(leaseId), "ack") ? Settled.ACKED : Settled.FAILED;
			}
			else if (dice < 84) {
				// nacked, or expired just before: a lease failure either way
				await(via.nack(leaseId, Duration.ofMillis(10L * random.nextInt(3))), "nack");
				settled = Settled.FAILED;
			}
			else if (dice < 90) {
				settled = await(via.release(leaseId), "release") ? Settled.RELEASED : Settled.FAILED;
			}
			else {
				settled = Settled.FAILED; // abandoned: the lease will expire
			}
			seen(replica, askedAt, delivery, settled);
		}

		/**
		 * As {@link #settle}, but a take's leases in one batch settle, through either
		 * replica.
		 */
		private void settleAll(int replica, long askedAt, List<Delivery> delivered, SplittableRandom random) {
			JobQueue via = this.queues.get(random.nextInt(REPLICAS));
			List<Settle> settlements = new ArrayList<>();
			List<Delivery> settling = new ArrayList<>();
			for (Delivery delivery : delivered) {
				int dice = random.nextInt(100);
				if (dice < 70) {
					settlements.add(Settle.ack(delivery.leaseId()));
				}
				else if (dice < 84) {
					settlements.add(Settle.nack(delivery.leaseId(), Duration.ofMillis(10L * random.nextInt(3))));
				}
				else if (dice < 90) {
					settlements.add(Settle.release(delivery.leaseId()));
				}
				else {
					seen(replica, askedAt, delivery, Settled.FAILED); // abandoned
					continue;
				}
				settling.add(delivery);
			}
			List<dev.dispatch.queue.job.Settled> outcomes = await(via.settle(settlements), "batch settle");
			for (int i = 0; i < settlements.size(); i++) {
				boolean held = outcomes.get(i).held();
				Settled settled = switch (settlements.get(i).action()) {
					case ACK -> held ? Settled.ACKED : Settled.FAILED;
					case RELEASE -> held ? Settled.RELEASED : Settled.FAILED;
					default -> Settled.FAILED;
				};
				seen(replica, askedAt, settling.get(i), settled);
			}
		}

		private void seen(int replica, long askedAt, Delivery delivery, Settled settled) {
			this.deliveries.computeIfAbsent(delivery.jobId(), (id) -> new ConcurrentLinkedQueue<>())
				.add(new Seen(replica, delivery, askedAt, settled, System.nanoTime()));
		}

		private void check() {
			String run = "seed " + this.seed;
			for (int r = 0; r < REPLICAS; r++) {
				QueueSnapshot end = await(this.queues.get(r).snapshot(), "snapshot");
				assertThat(end.drained()).as("%s: queue drained, seen from replica %d", run, r).isTrue();
				assertThat(end.unfinished()).as("%s: unfinished jobs, seen from replica %d", run, r).isZero();
				assertThat(end.waitingPutters() + end.waitingTakers()).as("%s: requests parked at replica %d", run, r)
					.isZero();
			}
			assertThat(this.drainedConsumers.get()).as("%s: consumers that saw the end", run).isEqualTo(CONSUMERS);

			Map<String, Delivery> dead = drainDeadLetters();
			assertThat(redis("LLEN", key(QUEUE, "outbox"))).as("%s: dead letters stuck in the outbox", run)
				.isEqualTo("0");
			assertThat(redis("HLEN", key(QUEUE, "payloads"))).as("%s: payloads left in Redis", run).isEqualTo("0");
			assertThat(redis("HLEN", key(QUEUE + ".dead", "payloads")))
				.as("%s: payloads left in the dead-letter queue", run)
				.isEqualTo("0");

			// the jobs that must be settled: those accepted, and any withdrawn one that
			// was delivered all the same
			Map<String, String> payloadOf = new HashMap<>();
			this.accepted.forEach((payload, jobId) -> assertThat(payloadOf.put(jobId, payload))
				.as("%s: job id %s given to two puts", run, jobId)
				.isNull());
			List<String> withdrawnButDelivered = new ArrayList<>();
			Set<String> leases = new HashSet<>();
			this.deliveries.forEach((jobId, seen) -> {
				String payload = seen.peek().delivery().payload().asString();
				for (Seen one : seen) {
					assertThat(one.delivery().payload().asString()).as("%s: payload of job %s, %s", run, jobId, one)
						.isEqualTo(payload);
					assertThat(leases.add(one.delivery().leaseId()))
						.as("%s: lease of job %s given twice, %s", run, jobId, one)
						.isTrue();
				}
				if (payloadOf.containsKey(jobId)) {
					assertThat(payload).as("%s: payload of job %s", run, jobId).isEqualTo(payloadOf.get(jobId));
					return;
				}
				assertThat(this.refused)
					.as("%s: job %s (%s) delivered though its put was refused: %s", run, jobId, payload, seen)
					.doesNotContain(payload);
				assertThat(this.withdrawn).as("%s: job %s (%s) delivered but never put: %s", run, jobId, payload, seen)
					.containsKey(payload);
				withdrawnButDelivered.add("job " + jobId + " (" + payload + ") withdrawn on replica "
						+ this.withdrawn.get(payload) + ": " + seen);
				payloadOf.put(jobId, payload);
			});

			dead.forEach((jobId, letter) -> {
				assertThat(payloadOf).as("%s: dead-lettered job %s was accepted", run, jobId).containsKey(jobId);
				assertThat(letter.payload().asString()).as("%s: payload of dead-lettered job %s", run, jobId)
					.isEqualTo(payloadOf.get(jobId));
				assertThat(letter.deadLetter()).as("%s: why job %s was dead-lettered", run, jobId)
					.isEqualTo(new DeadLetter(QUEUE, DeadLetter.Reason.MAX_ATTEMPTS, MAX_ATTEMPTS));
			});

			// a job neither acked nor dead-lettered was purged while it waited; the
			// purges
			// may have counted more: withdrawn puts whose jobs they found first
			List<String> purgedJobs = new ArrayList<>();
			payloadOf.forEach((jobId, payload) -> {
				if (isPurged(jobId, dead.containsKey(jobId))) {
					purgedJobs.add(jobId);
				}
				else if (this.redriven.contains(jobId)) {
					checkRedrivenSettledOnce(run, jobId, payload, dead.containsKey(jobId));
				}
				else {
					checkSettledOnce(run, jobId, payload, dead.containsKey(jobId));
				}
			});
			assertThat(purgedJobs.size()).as("%s: jobs neither acked nor dead-lettered, against the purges' count", run)
				.isBetween(this.purged.get() - this.withdrawn.size(), this.purged.get());
			assertThat(this.purged.get()).as("%s: jobs purged", run).isPositive();
			assertThat(this.redriven).as("%s: jobs redriven", run).isNotEmpty();
			assertThat(withdrawnButDelivered).as("%s: puts withdrawn, yet delivered", run).isEmpty();

			assertThat(this.acceptedCount.get()).as("%s: accepted puts", run)
				.isGreaterThanOrEqualTo(PRODUCERS * JOBS_PER_PRODUCER / 2);
			// the run reached the paths it is meant to stress
			assertThat(this.withdrawn).as("%s: withdrawn puts", run).isNotEmpty();
			assertThat(this.refused).as("%s: refused puts", run).isNotEmpty();
			// dead letters left at the end, or sent home by a redrive (which may have
			// taken them all)
			assertThat(dead.size() + this.redriven.size()).as("%s: dead-lettered jobs", run).isPositive();
		}

		/**
		 * Checks that a redriven job was acked exactly once or is dead-lettered again;
		 * its attempts started again when it went home, so its deliveries are checked
		 * against the limit of each round only.
		 */
		private void checkRedrivenSettledOnce(String run, String jobId, String payload, boolean dead) {
			List<Seen> seen = List.copyOf(this.deliveries.getOrDefault(jobId, new ArrayDeque<>()));
			long acks = seen.stream().filter((one) -> one.settled() == Settled.ACKED).count();
			assertThat(acks + (dead ? 1 : 0))
				.as("%s: redriven job %s (%s) settled exactly once; dead-lettered %s, deliveries %s", run, jobId,
						payload, dead, seen)
				.isEqualTo(1);
			for (Seen one : seen) {
				assertThat(one.delivery().attempt()).as("%s: attempt of job %s, %s", run, jobId, one)
					.isBetween(1, MAX_ATTEMPTS);
			}
		}

		/**
		 * Whether job {@code jobId} was purged: neither acked nor dead-lettered, and
		 * every delivery of it failed or was released (it was back in the queue when
		 * purged).
		 */
		private boolean isPurged(String jobId, boolean dead) {
			Queue<Seen> seen = this.deliveries.getOrDefault(jobId, new ArrayDeque<>());
			return !dead && seen.stream().noneMatch((one) -> one.settled() == Settled.ACKED);
		}

		/**
		 * Checks that job {@code jobId} was acked exactly once or dead-lettered, never
		 * delivered after its ack, and never more often than its attempts explain.
		 */
		private void checkSettledOnce(String run, String jobId, String payload, boolean dead) {
			List<Seen> seen = List.copyOf(this.deliveries.getOrDefault(jobId, new ArrayDeque<>()));
			List<Seen> acks = seen.stream().filter((one) -> one.settled() == Settled.ACKED).toList();
			assertThat(acks.size() + (dead ? 1 : 0))
				.as("%s: job %s (%s) settled exactly once; dead-lettered %s, deliveries %s", run, jobId, payload, dead,
						seen)
				.isEqualTo(1);
			long counted = seen.stream().filter((one) -> one.settled() != Settled.RELEASED).count();
			for (Seen one : seen) {
				assertThat(one.delivery().attempt()).as("%s: attempt of job %s, %s", run, jobId, one)
					.isBetween(1, MAX_ATTEMPTS);
			}
			if (dead) {
				assertThat(counted).as("%s: counted deliveries of dead-lettered job %s: %s", run, jobId, seen)
					.isLessThanOrEqualTo(MAX_ATTEMPTS);
				return;
			}
			Seen ack = acks.getFirst();
			assertThat(counted)
				.as("%s: counted deliveries of job %s, acked on attempt %d: %s", run, jobId, ack.delivery().attempt(),
						seen)
				.isLessThanOrEqualTo(ack.delivery().attempt());
			for (Seen other : seen) {
				if (other == ack) {
					continue;
				}
				assertThat(other.askedAt() < ack.settledAt())
					.as("%s: job %s delivered to a take sent after its ack (%s): %s", run, jobId, ack, other)
					.isTrue();
				boolean before = other.delivery().attempt() < ack.delivery().attempt()
						|| (other.delivery().attempt() == ack.delivery().attempt()
								&& other.settled() == Settled.RELEASED);
				assertThat(before).as("%s: job %s delivered after its ack (%s): %s", run, jobId, ack, other).isTrue();
			}
		}

		/** Empties the dead-letter queue: its deliveries by job id. */
		private Map<String, Delivery> drainDeadLetters() {
			Map<String, Delivery> dead = new HashMap<>();
			this.registry.find(QUEUE + ".dead").ifPresent((queue) -> {
				for (;;) {
					TakeOutcome outcome = await(queue.take(TakeOptions.autoAcked(Duration.ZERO).withMax(100)),
							"take from the dead-letter queue");
					if (!(outcome instanceof TakeOutcome.Delivered delivered)) {
						break;
					}
					for (Delivery letter : delivered.deliveries()) {
						assertThat(dead.put(letter.jobId(), letter))
							.as("seed %d: job %s dead-lettered twice", this.seed, letter.jobId())
							.isNull();
					}
				}
			});
			return dead;
		}

		private <T> T await(CompletableFuture<T> future, String what) {
			try {
				return future.get(OPERATION_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				throw new AssertionError("seed " + this.seed + ": " + what + " failed: " + ex.getCause(),
						ex.getCause());
			}
			catch (TimeoutException ex) {
				throw new AssertionError(
						"seed " + this.seed + ": " + what + " did not complete within " + OPERATION_LIMIT, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("seed " + this.seed + ": interrupted during " + what, ex);
			}
		}

		/** One of the queue's keys in Redis; see {@code prelude.lua}. */
		private String key(String queue, String part) {
			return this.keyPrefix + ":{" + queue + "}:" + part;
		}

		private static String redis(String... command) {
			return server.command(command);
		}

	}

}
