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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.TimeoutOptions;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.SystemScheduler;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.support.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash of Redis in the middle of work: producers and consumers on one registry and the
 * system clock, on a {@code redis-server} that writes every change to its append-only
 * file before it answers ({@code appendonly yes}, {@code appendfsync always}). Midway the
 * server is killed with SIGKILL, left down for a while, and started again on the same
 * data; Lettuce reconnects by itself. While it is down, operations fail with
 * {@link BackendUnavailableException} or a Lettuce exception: a put that failed so has an
 * unknown outcome, and so has an ack.
 *
 * <p>
 * Afterwards, once the queue has been closed and drained: every put answered accepted,
 * before or after the crash, was delivered; no job whose ack answered true was delivered
 * again; no job was delivered whose put was refused or never made; every delivered job
 * was acked, dead-lettered, or had an ack of unknown outcome; Redis holds no job data any
 * more.
 */
class RedisDurabilityTest {

	private static final int PRODUCERS = 2;

	private static final int CONSUMERS = 2;

	private static final Duration LEASE = Duration.ofMillis(400);

	/** Enough that the outage alone dead-letters nothing. */
	private static final int MAX_ATTEMPTS = 20;

	private static final Duration RECHECK_PERIOD = Duration.ofMillis(100);

	/** How long Redis may take to answer one command. */
	private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);

	/** How long one queue operation may take before the run counts as hung. */
	private static final Duration OPERATION_LIMIT = Duration.ofSeconds(5);

	/** How long the work runs before the crash, and again once Redis answers. */
	private static final Duration WORK = Duration.ofMillis(1500);

	/** How long Redis stays down. */
	private static final Duration DOWN = Duration.ofSeconds(1);

	/** How long Lettuce may take to reconnect after the restart. */
	private static final Duration RECONNECT_LIMIT = Duration.ofSeconds(8);

	/** How long the consumers may take to drain the closed queue. */
	private static final Duration DRAIN_LIMIT = Duration.ofSeconds(8);

	private static final String QUEUE = "durable";

	/** What the test opened, closed last first. */
	private final Deque<AutoCloseable> opened = new ArrayDeque<>();

	@AfterEach
	void closeAll() throws Exception {
		while (!this.opened.isEmpty()) {
			this.opened.pop().close();
		}
	}

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 11 })
	void acceptedJobsSurviveACrashAndAckedJobsStayGone(long seed) throws Exception {
		RedisServer server = RedisServer.start("appendonly yes", "appendfsync always");
		this.opened.push(server);
		SystemScheduler scheduler = new SystemScheduler();
		this.opened.push(scheduler);
		RedisClient client = RedisClient.create(server.uri());
		// as the service configures it: fail fast while Redis is away
		client.setOptions(ClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(TimeoutOptions.enabled(REDIS_TIMEOUT))
			.build());
		this.opened.push(client::shutdown);
		RedisConnections redis = RedisConnections.open(client);
		this.opened.push(redis);
		RedisQueueRegistry registry = new RedisQueueRegistry(redis,
				new RedisQueueRegistry.Settings(scheduler, QueueListener.NONE, QueueConfig.DEFAULTS, false,
						Duration.ofMinutes(10), 10, "durability", RECHECK_PERIOD, REDIS_TIMEOUT));
		this.opened.push(registry);
		registry.configure(QUEUE, new QueueConfig(50, LEASE, MAX_ATTEMPTS, null));
		new Run(server, registry, registry.require(QUEUE), seed).execute();
	}

	/** Where the run stands; each put and ack is tagged with the phase it ended in. */
	private enum Phase {

		BEFORE_CRASH, DOWN, AFTER_RESTART

	}

	/** How a consumer settled one delivery. */
	private enum Settled {

		/** Acked, and the ack answered true. */
		ACKED,

		/** Nacked or abandoned, or the ack answered false: the job comes again. */
		FAILED,

		/** The ack or nack failed: Redis may or may not have run it. */
		UNKNOWN

	}

	/**
	 * One delivery as a consumer saw it.
	 *
	 * @param delivery what it got
	 * @param askedAt when its take was sent ({@link System#nanoTime()})
	 * @param settled what became of it
	 * @param settledAt when the consumer knew that ({@link System#nanoTime()})
	 * @param phase the phase it was settled in
	 */
	private record Seen(Delivery delivery, long askedAt, Settled settled, long settledAt, Phase phase) {

		@Override
		public String toString() {
			return "lease " + this.delivery.leaseId() + " attempt " + this.delivery.attempt() + ", " + this.settled
					+ " " + this.phase;
		}

	}

	/** One run: its workers, the crash, and the ledger. */
	private static final class Run {

		private final RedisServer server;

		private final RedisQueueRegistry registry;

		private final JobQueue queue;

		private final long seed;

		private volatile Phase phase = Phase.BEFORE_CRASH;

		private volatile boolean producing = true;

		/** Payloads whose put was accepted, with their job ids. */
		private final Map<String, String> accepted = new ConcurrentHashMap<>();

		/** The phase each accepted put was answered in, by payload. */
		private final Map<String, Phase> acceptedIn = new ConcurrentHashMap<>();

		/** Payloads whose put failed: the job may or may not exist. */
		private final Set<String> unknown = ConcurrentHashMap.newKeySet();

		/** Payloads whose put was answered full or closed: never to be delivered. */
		private final Set<String> refused = ConcurrentHashMap.newKeySet();

		/** Deliveries per job id, as consumers settled them. */
		private final Map<String, Queue<Seen>> deliveries = new ConcurrentHashMap<>();

		/** The failures seen, by exception class, for the failure messages. */
		private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

		private final AtomicInteger drainedConsumers = new AtomicInteger();

		Run(RedisServer server, RedisQueueRegistry registry, JobQueue queue, long seed) {
			this.server = server;
			this.registry = registry;
			this.queue = queue;
			this.seed = seed;
		}

		void execute() throws Exception {
			ExecutorService threads = Executors.newFixedThreadPool(PRODUCERS + CONSUMERS);
			try {
				SplittableRandom root = new SplittableRandom(this.seed);
				List<Future<?>> producers = new ArrayList<>();
				for (int p = 0; p < PRODUCERS; p++) {
					int id = p;
					SplittableRandom random = root.split();
					producers.add(threads.submit(() -> produce(id, random)));
				}
				List<Future<?>> consumers = new ArrayList<>();
				for (int c = 0; c < CONSUMERS; c++) {
					SplittableRandom random = root.split();
					consumers.add(threads.submit(() -> consume(random)));
				}
				Thread.sleep(WORK.toMillis());
				this.phase = Phase.DOWN;
				this.server.kill();
				Thread.sleep(DOWN.toMillis());
				this.server.restart();
				this.phase = Phase.AFTER_RESTART;
				awaitAcceptedAfterRestart(producers);
				Thread.sleep(WORK.toMillis());
				this.producing = false;
				long deadline = System.nanoTime() + OPERATION_LIMIT.toNanos();
				for (Future<?> producer : producers) {
					finish(producer, deadline, "producers");
				}
				done(this.queue.close(CloseMode.GRACEFUL), "close");
				deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
				for (Future<?> consumer : consumers) {
					finish(consumer, deadline, "consumers draining the queue");
				}
			}
			finally {
				threads.shutdownNow();
			}
			check();
		}

		/** Waits until a put is accepted again, surfacing a producer that gave up. */
		private void awaitAcceptedAfterRestart(List<Future<?>> producers) throws InterruptedException {
			long deadline = System.nanoTime() + RECONNECT_LIMIT.toNanos();
			while (!this.acceptedIn.containsValue(Phase.AFTER_RESTART)) {
				for (Future<?> producer : producers) {
					if (producer.isDone()) {
						finish(producer, deadline, "a producer");
					}
				}
				assertThat(System.nanoTime() < deadline)
					.as("seed %d: a put accepted within %s of the restart; %d refused in all, failures %s", this.seed,
							RECONNECT_LIMIT, this.refused.size(), this.failures)
					.isTrue();
				Thread.sleep(10);
			}
		}

		private void finish(Future<?> worker, long deadline, String what) throws InterruptedException {
			try {
				worker.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (ExecutionException ex) {
				throw new AssertionError("seed " + this.seed + ": " + what + " failed: " + ex.getCause(),
						ex.getCause());
			}
			catch (TimeoutException ex) {
				throw new AssertionError("seed " + this.seed + ": " + what + " not done in time; "
						+ this.drainedConsumers.get() + " of " + CONSUMERS + " consumers saw the queue drained", ex);
			}
		}

		private void produce(int producer, SplittableRandom random) {
			for (int job = 0; this.producing; job++) {
				String payload = "p" + producer + "-" + job;
				CompletableFuture<PutOutcome> put = this.queue.put(Payload.of(payload),
						PutOptions.waiting(Duration.ofMillis(random.nextInt(20))));
				PutOutcome outcome;
				try {
					outcome = outcome(put, "put of " + payload);
				}
				catch (Unavailable ex) {
					this.unknown.add(payload);
					pause();
					continue;
				}
				if (outcome instanceof PutOutcome.Accepted ok) {
					this.accepted.put(payload, ok.jobId());
					this.acceptedIn.put(payload, this.phase);
					continue;
				}
				this.refused.add(payload);
				if (outcome instanceof PutOutcome.Closed) {
					return;
				}
			}
		}

		private void consume(SplittableRandom random) {
			for (;;) {
				TakeOptions options = TakeOptions.leased(Duration.ofMillis(50)).withMax(1 + random.nextInt(3));
				long askedAt = System.nanoTime();
				TakeOutcome outcome;
				try {
					outcome = outcome(this.queue.take(options), "take");
				}
				catch (Unavailable ex) {
					pause();
					continue;
				}
				if (outcome instanceof TakeOutcome.Drained) {
					this.drainedConsumers.incrementAndGet();
					return;
				}
				if (outcome instanceof TakeOutcome.Delivered delivered) {
					for (Delivery delivery : delivered.deliveries()) {
						settle(askedAt, delivery, random);
					}
				}
			}
		}

		private void settle(long askedAt, Delivery delivery, SplittableRandom random) {
			int dice = random.nextInt(100);
			Settled settled;
			try {
				if (dice < 85) {
					settled = outcome(this.queue.ack(delivery.leaseId()), "ack") ? Settled.ACKED : Settled.FAILED;
				}
				else if (dice < 92) {
					outcome(this.queue.nack(delivery.leaseId(), Duration.ZERO), "nack");
					settled = Settled.FAILED;
				}
				else {
					settled = Settled.FAILED; // abandoned: the lease will expire
				}
			}
			catch (Unavailable ex) {
				settled = Settled.UNKNOWN;
			}
			this.deliveries.computeIfAbsent(delivery.jobId(), (id) -> new ConcurrentLinkedQueue<>())
				.add(new Seen(delivery, askedAt, settled, System.nanoTime(), this.phase));
		}

		/**
		 * The outcome of an operation.
		 * @throws Unavailable if it failed as operations do while Redis is away
		 */
		private <T> T outcome(CompletableFuture<T> future, String what) {
			try {
				return future.get(OPERATION_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				Throwable cause = ex.getCause();
				assertThat(cause).as("seed %d: how %s failed", this.seed, what)
					.isInstanceOfAny(BackendUnavailableException.class, RedisException.class);
				this.failures.computeIfAbsent(cause.getClass().getSimpleName(), (name) -> new AtomicInteger())
					.incrementAndGet();
				throw new Unavailable();
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

		/** The outcome of an operation that must succeed: Redis is back. */
		private <T> T done(CompletableFuture<T> future, String what) {
			try {
				return outcome(future, what);
			}
			catch (Unavailable ex) {
				throw new AssertionError(
						"seed " + this.seed + ": " + what + " failed with Redis back; failures " + this.failures);
			}
		}

		private void check() {
			String run = "seed " + this.seed;
			QueueSnapshot end = done(this.queue.snapshot(), "snapshot");
			assertThat(end.drained()).as("%s: queue drained", run).isTrue();
			assertThat(end.unfinished()).as("%s: unfinished jobs", run).isZero();
			assertThat(this.drainedConsumers.get()).as("%s: consumers that saw the end", run).isEqualTo(CONSUMERS);
			Set<String> dead = drainDeadLetters();
			assertThat(this.server.command("HLEN", "durability:{" + QUEUE + "}:payloads"))
				.as("%s: payloads left in Redis", run)
				.isEqualTo("0");

			// the jobs known to exist: those accepted, and delivered ones of failed puts
			Map<String, String> payloadOf = new HashMap<>();
			this.accepted.forEach((payload, jobId) -> assertThat(payloadOf.put(jobId, payload))
				.as("%s: job id %s given to two puts", run, jobId)
				.isNull());
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
				assertThat(this.unknown)
					.as("%s: job %s (%s) delivered, but its put was %s: %s", run, jobId, payload,
							this.refused.contains(payload) ? "refused" : "never made", seen)
					.contains(payload);
				payloadOf.put(jobId, payload);
			});
			assertThat(dead).as("%s: dead-lettered jobs that were never delivered", run)
				.isSubsetOf(this.deliveries.keySet());

			this.accepted.forEach((payload, jobId) -> assertThat(this.deliveries)
				.as("%s: job %s (%s), accepted %s, never delivered", run, jobId, payload, this.acceptedIn.get(payload))
				.containsKey(jobId));
			payloadOf.forEach((jobId, payload) -> checkSettled(run, jobId, payload, dead.contains(jobId)));

			// the crash fell in the middle of the work
			assertThat(this.acceptedIn).as("%s: puts accepted before the crash", run).containsValue(Phase.BEFORE_CRASH);
			assertThat(this.unknown).as("%s: puts failed while Redis was away", run).isNotEmpty();
			assertThat(this.deliveries.values().stream().flatMap(Queue::stream)).as("%s: acks before the crash", run)
				.anyMatch((seen) -> seen.settled() == Settled.ACKED && seen.phase() == Phase.BEFORE_CRASH);
		}

		/**
		 * Checks that job {@code jobId} was settled at most once, never delivered after
		 * its ack, and not lost: acked, dead-lettered or acked with an unknown outcome.
		 */
		private void checkSettled(String run, String jobId, String payload, boolean dead) {
			List<Seen> seen = List.copyOf(this.deliveries.get(jobId));
			List<Seen> acks = seen.stream().filter((one) -> one.settled() == Settled.ACKED).toList();
			assertThat(acks.size() + (dead ? 1 : 0))
				.as("%s: job %s (%s) settled at most once; dead-lettered %s, deliveries %s", run, jobId, payload, dead,
						seen)
				.isLessThanOrEqualTo(1);
			if (acks.isEmpty()) {
				assertThat(dead || seen.stream().anyMatch((one) -> one.settled() == Settled.UNKNOWN))
					.as("%s: job %s (%s) lost: never acked nor dead-lettered: %s", run, jobId, payload, seen)
					.isTrue();
				return;
			}
			Seen ack = acks.getFirst();
			for (Seen other : seen) {
				if (other == ack) {
					continue;
				}
				assertThat(other.askedAt() < ack.settledAt())
					.as("%s: job %s (%s) delivered to a take sent after its ack (%s): %s", run, jobId, payload, ack,
							other)
					.isTrue();
				assertThat(other.delivery().attempt())
					.as("%s: job %s (%s) delivered after its ack (%s): %s", run, jobId, payload, ack, other)
					.isLessThan(ack.delivery().attempt());
			}
		}

		/** Empties the dead-letter queue: the ids of its jobs. */
		private Set<String> drainDeadLetters() {
			Set<String> dead = new HashSet<>();
			JobQueue letters = this.registry.find(QUEUE + ".dead").orElse(null);
			while (letters != null) {
				TakeOutcome outcome = done(letters.take(TakeOptions.autoAcked(Duration.ZERO).withMax(100)),
						"take from the dead-letter queue");
				if (!(outcome instanceof TakeOutcome.Delivered delivered)) {
					break;
				}
				for (Delivery letter : delivered.deliveries()) {
					assertThat(dead.add(letter.jobId()))
						.as("seed %d: job %s dead-lettered twice", this.seed, letter.jobId())
						.isTrue();
				}
			}
			return dead;
		}

		private static void pause() {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

	/** An operation failed as operations do while Redis is away. */
	private static final class Unavailable extends RuntimeException {

		Unavailable() {
			super(null, null, false, false);
		}

	}

}
