package dev.dispatch.backend.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.Lanes;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.Settled;
import dev.dispatch.queue.Redrive;
import dev.dispatch.queue.SystemScheduler;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Randomized stress: producers and consumers on real threads and a real clock, through a
 * small queue, with random waits (so waits elapse), random cancellation of parked
 * operations, batch puts, random batch sizes, and consumers that ack, nack, release or
 * abandon what they get (so leases expire and jobs are dead-lettered), one lease at a
 * time or a take's leases in one batch settle. An operator pauses and purges the queue
 * now and then and redrives its dead letters home, and it is closed while producers are
 * still at work.
 *
 * <p>
 * Afterwards every accepted job was acked exactly once, sits in the dead-letter queue, or
 * was purged (as many jobs as the purges counted, none of them acked or dead-lettered);
 * no job whose put was withdrawn or refused ever appeared, no job was delivered more
 * often than its lease failures explain, and every consumer saw the queue drained.
 */
class MemoryJobQueueStressTest {

	private static final int PRODUCERS = 4;

	private static final int CONSUMERS = 4;

	private static final int JOBS_PER_PRODUCER = 1_500;

	private static final Duration LEASE = Duration.ofMillis(40);

	private static final int MAX_ATTEMPTS = 4;

	/** Bytes of payload the run may hold: about ten jobs' worth. */
	private static final long PAYLOAD_BUDGET = 100;

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3, 4, 5 })
	void everyAcceptedJobIsSettledOnceOrDeadLettered(long seed) throws Exception {
		try (SystemScheduler scheduler = new SystemScheduler()) {
			// small enough that puts are now and then refused for storage, not only for
			// room
			MemoryQueueRegistry registry = new MemoryQueueRegistry(scheduler, QueueListener.NONE, QueueConfig.DEFAULTS,
					false, Duration.ofMinutes(10), 10, new PayloadBudget(PAYLOAD_BUDGET));
			registry.configure("stress", config(seed));
			new Run(registry, registry.require("stress"), seed).execute();
		}
	}

	/**
	 * The queue of a run: even seeds run with limits on leases in flight, per second and
	 * per group, which the workers then meet now and then.
	 */
	private static QueueConfig config(long seed) {
		boolean limits = seed % 2 == 0;
		return new QueueConfig(8, LEASE, MAX_ATTEMPTS, null, limits ? 6 : QueueConfig.UNLIMITED,
				limits ? 3000 : QueueConfig.UNLIMITED, limits ? 2 : QueueConfig.UNLIMITED);
	}

	/** One run: its workers, and the ledger they keep. */
	private static final class Run {

		private final MemoryQueueRegistry registry;

		private final JobQueue queue;

		private final long seed;

		/** Payloads whose put was accepted, with their job ids. */
		private final Map<String, String> accepted = new ConcurrentHashMap<>();

		/** Payloads whose put was withdrawn or refused: they must never be delivered. */
		private final Set<String> notAccepted = ConcurrentHashMap.newKeySet();

		/** Deliveries per job id. */
		private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

		/**
		 * Lease failures per job id (nack or abandon; each is followed by a redelivery).
		 */
		private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

		/** Releases per job id (hand-backs that do not count an attempt). */
		private final Map<String, AtomicInteger> releases = new ConcurrentHashMap<>();

		/** Successful acks per job id. */
		private final Map<String, AtomicInteger> acks = new ConcurrentHashMap<>();

		private final AtomicInteger drainedConsumers = new AtomicInteger();

		private final AtomicInteger acceptedCount = new AtomicInteger();

		private final AtomicInteger refusedForStorage = new AtomicInteger();

		/** Jobs the purges threw away, as they counted them. */
		private final AtomicInteger purged = new AtomicInteger();

		/** Jobs redriven from the dead-letter queue, as the redrives counted them. */
		private final AtomicInteger redriven = new AtomicInteger();

		Run(MemoryQueueRegistry registry, JobQueue queue, long seed) {
			this.registry = registry;
			this.queue = queue;
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
					workers.add(threads.submit(() -> produce(id, random)));
				}
				for (int c = 0; c < CONSUMERS; c++) {
					SplittableRandom random = root.split();
					workers.add(threads.submit(() -> consume(random)));
				}
				workers.add(threads.submit(this::closeMidway));
				workers.add(threads.submit(this::purgeNowAndThen));
				for (Future<?> worker : workers) {
					worker.get(120, TimeUnit.SECONDS);
				}
			}
			finally {
				threads.shutdownNow();
			}
			check();
		}

		private void closeMidway() {
			int half = PRODUCERS * JOBS_PER_PRODUCER / 2;
			while (this.acceptedCount.get() < half) {
				LockSupport.parkNanos(100_000);
			}
			this.queue.close(CloseMode.GRACEFUL).join();
		}

		/**
		 * When a tenth, a fifth, three tenths and two fifths of the jobs were accepted
		 * (the queue closes at a half), pauses delivery until jobs wait in the queue (the
		 * consumers keep it nearly empty), purges them and resumes; purges once more
		 * after the close.
		 */
		private void purgeNowAndThen() {
			int all = PRODUCERS * JOBS_PER_PRODUCER;
			for (int tenths = 1; tenths <= 4; tenths++) {
				while (this.acceptedCount.get() < all * tenths / 10) {
					LockSupport.parkNanos(100_000);
				}
				this.queue.pause().join();
				long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
				while (this.queue.snapshot().join().size() == 0 && System.nanoTime() < giveUp) {
					LockSupport.parkNanos(100_000);
				}
				this.purged.addAndGet(this.queue.purge().join());
				// dead letters go home, to be delivered again: each still settles once
				if (this.registry.find("stress.dead").isPresent()) {
					this.redriven.addAndGet(this.registry.redrive("stress.dead", Redrive.all()).join().total());
				}
				this.queue.resume().join();
			}
			// at least one redrive that moves something, before the close (at a half)
			while (this.redriven.get() == 0 && !this.queue.snapshot().join().closed()) {
				if (this.registry.find("stress.dead").isPresent()) {
					this.redriven.addAndGet(this.registry.redrive("stress.dead", Redrive.all()).join().total());
				}
				LockSupport.parkNanos(200_000);
			}
			while (!this.queue.snapshot().join().closed()) {
				LockSupport.parkNanos(100_000);
			}
			this.purged.addAndGet(this.queue.purge().join());
		}

		private void produce(int producer, SplittableRandom random) {
			for (int job = 0; job < JOBS_PER_PRODUCER; job++) {
				if (job + 1 < JOBS_PER_PRODUCER && random.nextInt(5) == 0) {
					if (!produceTwo(producer, job, random)) {
						return;
					}
					job++;
					continue;
				}
				for (int attempt = 0;; attempt++) {
					String payload = "p" + producer + "-" + job + "-" + attempt;
					CompletableFuture<PutOutcome> put = this.queue.put(Payload.of(payload),
							PutOptions.waiting(Duration.ofMillis(random.nextInt(4))).withLane(Lanes.random(random)));
					if (random.nextInt(10) == 0 && put.cancel(false)) {
						this.notAccepted.add(payload);
						continue;
					}
					PutOutcome outcome = put.join();
					if (outcome instanceof PutOutcome.Accepted ok) {
						this.accepted.put(payload, ok.jobId());
						this.acceptedCount.incrementAndGet();
						break;
					}
					this.notAccepted.add(payload);
					if (outcome instanceof PutOutcome.Closed) {
						return;
					}
					if (outcome instanceof PutOutcome.StorageFull) {
						// refused without waiting: back off as a client told Retry-After
						// would
						this.refusedForStorage.incrementAndGet();
						sleepBriefly();
					}
				}
			}
		}

		/**
		 * Puts jobs {@code job} and {@code job + 1} as one batch, until accepted; false
		 * once the queue is closed.
		 */
		private boolean produceTwo(int producer, int job, SplittableRandom random) {
			for (int attempt = 0;; attempt++) {
				List<String> payloads = List.of("p" + producer + "-" + job + "-" + attempt,
						"p" + producer + "-" + (job + 1) + "-" + attempt);
				CompletableFuture<PutOutcome> put = this.queue.putAll(payloads.stream()
					.map((payload) -> NewJob.of(Payload.of(payload)).withLane(Lanes.random(random)))
					.toList(), Duration.ofMillis(random.nextInt(4)));
				if (random.nextInt(10) == 0 && put.cancel(false)) {
					this.notAccepted.addAll(payloads);
					continue;
				}
				PutOutcome outcome = put.join();
				if (outcome instanceof PutOutcome.AcceptedAll all) {
					for (int i = 0; i < payloads.size(); i++) {
						this.accepted.put(payloads.get(i), all.jobs().get(i).jobId());
						this.acceptedCount.incrementAndGet();
					}
					return true;
				}
				this.notAccepted.addAll(payloads);
				if (outcome instanceof PutOutcome.Closed) {
					return false;
				}
				if (outcome instanceof PutOutcome.StorageFull) {
					this.refusedForStorage.incrementAndGet();
					sleepBriefly();
				}
			}
		}

		private void consume(SplittableRandom random) {
			for (;;) {
				TakeOptions options = TakeOptions.leased(Duration.ofMillis(random.nextInt(6)))
					.withMax(1 + random.nextInt(3));
				CompletableFuture<TakeOutcome> take = this.queue.take(options);
				if (random.nextInt(10) == 0 && take.cancel(false)) {
					continue;
				}
				TakeOutcome outcome = take.join();
				if (outcome instanceof TakeOutcome.Drained) {
					this.drainedConsumers.incrementAndGet();
					return;
				}
				if (outcome instanceof TakeOutcome.Delivered delivered) {
					if (random.nextInt(3) == 0) {
						settleAll(delivered.deliveries(), random);
						continue;
					}
					for (Delivery delivery : delivered.deliveries()) {
						settle(delivery, random);
					}
				}
			}
		}

		private void settle(Delivery delivery, SplittableRandom random) {
			count(this.deliveries, delivery.jobId());
			int dice = random.nextInt(100);
			// failures often enough that jobs reach the dead-letter queue early, for the
			// redrives
			if (dice < 70) {
				if (this.queue.ack(delivery.leaseId()).join()) {
					count(this.acks, delivery.jobId());
				}
				else {
					// the lease ran out before the ack: the job comes again
					count(this.failures, delivery.jobId());
				}
			}
			else if (dice < 85) {
				// nacked, or expired just before: a lease failure either way
				this.queue.nack(delivery.leaseId(), Duration.ZERO).join();
				count(this.failures, delivery.jobId());
			}
			else if (dice < 92) {
				if (this.queue.release(delivery.leaseId()).join()) {
					count(this.releases, delivery.jobId());
				}
				else {
					count(this.failures, delivery.jobId());
				}
			}
			else {
				count(this.failures, delivery.jobId()); // abandoned: the lease will
														// expire
			}
		}

		/** As {@link #settle}, but every lease of a take in one batch settle. */
		private void settleAll(List<Delivery> delivered, SplittableRandom random) {
			List<Settle> settlements = new ArrayList<>();
			List<Delivery> settling = new ArrayList<>();
			for (Delivery delivery : delivered) {
				count(this.deliveries, delivery.jobId());
				int dice = random.nextInt(100);
				if (dice < 70) {
					settlements.add(Settle.ack(delivery.leaseId()));
				}
				else if (dice < 85) {
					settlements.add(Settle.nack(delivery.leaseId(), Duration.ZERO));
				}
				else if (dice < 92) {
					settlements.add(Settle.release(delivery.leaseId()));
				}
				else {
					count(this.failures, delivery.jobId()); // abandoned
					continue;
				}
				settling.add(delivery);
			}
			List<Settled> outcomes = this.queue.settle(settlements).join();
			for (int i = 0; i < settlements.size(); i++) {
				String jobId = settling.get(i).jobId();
				boolean held = outcomes.get(i).held();
				switch (settlements.get(i).action()) {
					case ACK -> count(held ? this.acks : this.failures, jobId);
					case RELEASE -> count(held ? this.releases : this.failures, jobId);
					default -> count(this.failures, jobId);
				}
			}
		}

		private static void count(Map<String, AtomicInteger> counts, String jobId) {
			counts.computeIfAbsent(jobId, (id) -> new AtomicInteger()).incrementAndGet();
		}

		private void check() {
			QueueSnapshot end = this.queue.snapshot().join();
			assertThat(end.drained()).as("queue drained").isTrue();
			assertThat(end.unfinished()).isZero();
			assertThat(end.waitingPutters() + end.waitingTakers()).isZero();
			assertThat(this.drainedConsumers.get()).as("consumers that saw the end").isEqualTo(CONSUMERS);

			Set<String> deadJobIds = ConcurrentHashMap.newKeySet();
			this.registry.find("stress.dead").ifPresent((dead) -> {
				for (;;) {
					TakeOutcome outcome = dead.take(TakeOptions.autoAcked(Duration.ZERO).withMax(100)).join();
					if (!(outcome instanceof TakeOutcome.Delivered delivered)) {
						break;
					}
					delivered.deliveries().forEach((d) -> {
						assertThat(d.deadLetter().attempts()).isEqualTo(MAX_ATTEMPTS);
						assertThat(deadJobIds.add(d.jobId())).as("dead-lettered once").isTrue();
					});
				}
			});

			assertThat(this.registry.storage().orElseThrow().held()).as("payload bytes still held once all is settled")
				.isZero();

			Set<String> acceptedIds = Set.copyOf(this.accepted.values());
			assertThat(acceptedIds).as("job ids are unique").hasSize(this.accepted.size());
			assertThat(this.deliveries.keySet()).as("only accepted jobs are delivered").isSubsetOf(acceptedIds);
			int purgedJobs = 0;
			for (String jobId : acceptedIds) {
				int acked = get(this.acks, jobId);
				boolean dead = deadJobIds.contains(jobId);
				// neither acked nor dead-lettered: purged, while it waited in the queue
				boolean purged = acked == 0 && !dead;
				purgedJobs += purged ? 1 : 0;
				assertThat(acked + (dead ? 1 : 0)).as("job %s acked or dead-lettered at most once", jobId)
					.isLessThanOrEqualTo(1);
				int delivered = get(this.deliveries, jobId);
				int failed = get(this.failures, jobId);
				int released = get(this.releases, jobId);
				int expected = (dead || purged) ? failed + released : 1 + failed + released;
				assertThat(delivered).as("deliveries of job %s explained by its lease failures", jobId)
					.isEqualTo(expected);
			}
			assertThat(purgedJobs).as("jobs neither acked nor dead-lettered: the purges' count")
				.isEqualTo(this.purged.get());
			assertThat(this.purged.get()).as("jobs purged").isPositive();
			assertThat(this.redriven.get()).as("jobs redriven").isPositive();
			assertThat(this.notAccepted).as("refused or withdrawn puts")
				.doesNotContainAnyElementsOf(this.accepted.keySet());
			assertThat(this.acceptedCount.get()).isGreaterThanOrEqualTo(PRODUCERS * JOBS_PER_PRODUCER / 2);
			assertThat(this.refusedForStorage.get()).as("puts refused for storage").isPositive();
		}

		private static void sleepBriefly() {
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		private static int get(Map<String, AtomicInteger> counts, String jobId) {
			AtomicInteger count = counts.get(jobId);
			return (count != null) ? count.get() : 0;
		}

	}

}
