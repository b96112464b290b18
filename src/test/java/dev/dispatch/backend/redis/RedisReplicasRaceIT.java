package dev.dispatch.backend.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
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
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.stream.Stream;

import dev.dispatch.support.PackagedJar;
import dev.dispatch.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Races over real processes on loopback: three replicas of the packaged service (the jar
 * {@code package} builds, each in a JVM of its own) on one {@code redis-server} that
 * writes every change to its append-only file before it answers ({@code appendonly yes},
 * {@code appendfsync always}), driven over HTTP by producers and consumers on virtual
 * threads that pick a replica at random for every request, while a fault strikes in the
 * middle of the work: a replica killed with SIGKILL and never restarted, or Redis killed
 * with SIGKILL and started again on its data a second later.
 *
 * <p>
 * Producers put every job with an {@code Idempotency-Key} (the job's payload is its key)
 * (waiting 0 or 1 s for room, and resting together now and then so the queue runs empty
 * as well as full) and repeat a put whose outcome they could not learn — a dropped
 * connection, a 503, a put they hung up on themselves — until it is answered accepted
 * (201, or 200 with the original id) or refused for good, so every key ends with a known
 * outcome. Consumers take with short leases, ack, extend then ack, nack or let leases run
 * out, each settle through any replica; some hang up on their own takes while they are
 * parked. After the fault the producers stop, the queue is closed through a surviving
 * replica, consumers drain it to {@code 410 queue-drained}, and the dead-letter queue is
 * emptied.
 *
 * <p>
 * The ledger then holds: every accepted key is one job, acked exactly once (an ack of
 * unknown outcome counts if the job was never delivered after it) or dead-lettered after
 * its last attempt; no job was delivered that was not accepted under its key with that
 * id; no put answered {@code 429 queue-full} ("not accepted") was accepted all the same
 * (a later try of its key answers 200 only after a try whose outcome was unknown); no job
 * was delivered to a take sent after its ack, nor at an attempt not below its ack's; no
 * lease was issued twice nor an attempt counted twice; Redis holds no job data and no
 * dead letter still waits in an outbox. Every answer was one the API documents for its
 * request — never a 500, every 503 a problem with {@code Retry-After} — and no request
 * took longer than its wait plus {@link #HANG_MARGIN}.
 *
 * <p>
 * The processes start once for both tests, each test on a queue of its own: the replica
 * loss runs first, and the Redis crash on the two replicas it leaves (on three when run
 * alone). Their output goes to {@code target/race-it/}, with a copy of Redis's
 * append-only files ({@code redis-data/}: every change every script made, to follow a
 * job), and its tail is printed when a test fails. The seed is fixed and printed in every
 * failure message with the counts; threads still interleave as they will, so two runs
 * differ.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisReplicasRaceIT {

	private static final long SEED = 20261130L;

	private static final int REPLICAS = 3;

	private static final int PRODUCERS = 4;

	private static final int CONSUMERS = 4;

	private static final String KEY_PREFIX = "race";

	private static final int CAPACITY = 5;

	/** Each take's lease; also the queue's lease timeout. */
	private static final Duration LEASE = Duration.ofSeconds(1);

	/** The wait of every put and take while the work goes on. */
	private static final Duration WAIT = Duration.ofSeconds(1);

	/** How much longer than its wait a request may take before it counts as hung. */
	private static final Duration HANG_MARGIN = Duration.ofSeconds(8);

	/** How often producers rest together, and for how long. */
	private static final Duration LULL_PERIOD = Duration.ofMillis(2000);

	private static final Duration LULL = Duration.ofMillis(600);

	/** How long the work goes on before the fault, and again after it. */
	private static final Duration WORK = Duration.ofSeconds(5);

	/** How long Redis stays down. */
	private static final Duration OUTAGE = Duration.ofSeconds(1);

	/** How long replicas may take to serve again once Redis is back. */
	private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(15);

	/** How long a producer may take to learn its last put's outcome once told to stop. */
	private static final Duration STOP_LIMIT = Duration.ofSeconds(15);

	/** How long consumers may take to drain the queue once it is closed. */
	private static final Duration DRAIN_LIMIT = Duration.ofSeconds(20);

	/** How long a replica may take to start (three JVMs start at once on two cores). */
	private static final Duration STARTUP_LIMIT = Duration.ofSeconds(180);

	private static final int PORT_ATTEMPTS = 3;

	private static final int LOG_TAIL_LINES = 60;

	private static final JsonMapper json = JsonMapper.builder().build();

	/** Every replica process not yet known to have exited; killed if the JVM exits. */
	private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "race-replica-reaper"));
	}

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	/** Where the processes' output goes. */
	private static final Path LOGS = Path.of("target", "race-it");

	/** The replicas, alive or killed; started once for both tests. */
	private static final List<Replica> replicas = new ArrayList<>();

	private static RedisServer redis;

	@RegisterExtension
	static final TestWatcher printLogsOnFailure = new TestWatcher() {

		@Override
		public void testFailed(ExtensionContext context, Throwable cause) {
			printLogTails();
		}

	};

	@BeforeAll
	static void startRedisAndReplicas() throws Exception {
		Files.createDirectories(LOGS);
		redis = RedisServer.start("appendonly yes", "appendfsync always");
		Path jar = PackagedJar.find();
		String java = ProcessHandle.current().info().command().orElseThrow();
		for (int i = 0; i < REPLICAS; i++) {
			Path log = LOGS.resolve("replica-" + i + ".log");
			Files.deleteIfExists(log);
			Replica replica = new Replica(i, log, java, jar, redis.uri());
			replicas.add(replica);
			replica.launch();
		}
		for (Replica replica : replicas) {
			awaitReady(replica);
		}
	}

	@AfterAll
	static void stopReplicasAndRedis() throws IOException {
		for (Replica replica : replicas) {
			replica.kill();
		}
		http.shutdownNow();
		if (redis != null) {
			Files.writeString(LOGS.resolve("redis-server.log"), redis.log());
			// its append-only files, to read what happened to a job
			Path data = LOGS.resolve("redis-data");
			FileSystemUtils.deleteRecursively(data);
			FileSystemUtils.copyRecursively(redis.dataDir(), data);
			redis.close();
		}
	}

	@Test
	@Order(1)
	@Timeout(90)
	void aReplicaKilledMidRaceLosesNoJobAndItsLeasesComeBackThroughTheOthers() throws Exception {
		SplittableRandom random = new SplittableRandom(SEED);
		Race race = new Race("replica-loss", 3, random.split());
		Replica victim = race.replicas.get(random.nextInt(race.replicas.size()));
		race.start();
		Thread.sleep(WORK);
		List<Seen> held = race.holdLeasesThrough(victim);
		race.phase = Phase.FAULT;
		victim.kill();
		race.phase = Phase.AFTER_FAULT;
		Thread.sleep(WORK);
		race.finish();

		String run = race.summary();
		race.checkAnswers();
		race.checkLedger();
		assertThat(race.acceptedThrough(Phase.AFTER_FAULT))
			.as("%s: puts accepted after the kill, by replica (replica %d killed)", run, victim.index)
			.containsOnlyKeys(race.indexes((replica) -> replica != victim))
			.allSatisfy((index, count) -> assertThat(count).isPositive());
		assertThat(race.count(Phase.AFTER_FAULT, "refused"))
			.as("%s: requests refused by the killed replica's port", run)
			.isPositive();
		assertThat(held).as("%s: leases held through replica %d when it was killed", run, victim.index).isNotEmpty();
		for (Seen lease : held) {
			race.checkCameBackThroughSurvivors(lease, victim);
		}
		System.out.println(run + "; " + held.size() + " leases held through replica " + victim.index);
	}

	@Test
	@Order(2)
	@Timeout(90)
	void aRedisCrashMidRaceAnswers503AndLosesNoAcceptedJob() throws Exception {
		SplittableRandom random = new SplittableRandom(SEED + 1);
		Race race = new Race("redis-crash", 4, random.split());
		race.start();
		Thread.sleep(WORK);
		race.phase = Phase.FAULT;
		redis.kill();
		Thread.sleep(OUTAGE);
		redis.restart();
		race.phase = Phase.AFTER_FAULT;
		Map<Integer, Duration> recovery = new TreeMap<>();
		for (Replica replica : race.replicas) {
			recovery.put(replica.index, race.awaitServing(replica));
		}
		Thread.sleep(WORK);
		race.finish();

		String run = race.summary() + ", serving again " + recovery + " after the restart";
		race.checkAnswers();
		race.checkLedger();
		assertThat(race.count(Phase.FAULT, "503 backend-unavailable"))
			.as("%s: 503 backend-unavailable answers while Redis was down", run)
			.isPositive();
		assertThat(race.acceptedThrough(Phase.AFTER_FAULT)).as("%s: puts accepted after the restart, by replica", run)
			.containsOnlyKeys(race.indexes((replica) -> true))
			.allSatisfy((index, count) -> assertThat(count).isPositive());
		assertThat(race.acceptedThrough(Phase.BEFORE_FAULT)).as("%s: puts accepted before the crash", run).isNotEmpty();
		System.out.println(run);
	}

	// ---- the race

	/** Where the run stands; every answer is counted under the phase it came in. */
	private enum Phase {

		BEFORE_FAULT, FAULT, AFTER_FAULT, DRAINING

	}

	/** What became of a delivery. */
	private enum Settled {

		/** Acked, answered 204. */
		ACKED,

		/** Nacked, let run out, or its ack answered 410: the job comes again. */
		FAILED,

		/**
		 * An ack whose outcome could not be learned: Redis may or may not have run it.
		 */
		UNKNOWN,

		/**
		 * Taken by the test itself through a replica about to be killed, never settled.
		 */
		HELD

	}

	/**
	 * One delivery as a consumer saw it.
	 *
	 * @param jobId the job
	 * @param key its payload, which is the idempotency key of its put
	 * @param leaseId its lease
	 * @param attempt its attempt
	 * @param replica the replica whose take delivered it
	 * @param askedAt when the take was sent ({@link System#nanoTime()})
	 * @param settled what became of it
	 * @param settledAt when the consumer knew that ({@link System#nanoTime()})
	 */
	private record Seen(String jobId, String key, String leaseId, int attempt, int replica, long askedAt,
			Settled settled, long settledAt) {

		@Override
		public String toString() {
			return "attempt " + this.attempt + " lease " + this.leaseId + " via replica " + this.replica + " "
					+ this.settled;
		}

	}

	/**
	 * A job found in the dead-letter queue.
	 *
	 * @param key its payload
	 * @param queue the queue it came from
	 * @param reason why it was moved
	 * @param attempts its attempts there
	 */
	private record Letter(String key, String queue, String reason, int attempts) {

	}

	/**
	 * One run of producers and consumers, and the ledger they keep. Workers write the
	 * ledger's concurrent maps; the test thread reads them after joining the workers.
	 */
	private static final class Race {

		/** The queue raced on; each test has its own. */
		private final String queue;

		private final int maxAttempts;

		/** The replicas alive when the race began. */
		final List<Replica> replicas;

		private final SplittableRandom random;

		private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

		private final List<Future<?>> producers = new ArrayList<>();

		private final List<Future<?>> consumers = new ArrayList<>();

		private final long startedAt = System.nanoTime();

		volatile Phase phase = Phase.BEFORE_FAULT;

		private volatile boolean producing = true;

		/** Job ids of accepted puts, by key. */
		private final Map<String, String> accepted = new ConcurrentHashMap<>();

		/** Accepted puts by the phase they were answered in, then by replica. */
		private final Map<Phase, Map<Integer, LongAdder>> acceptedVia = new ConcurrentHashMap<>();

		/** Keys whose put was refused for good (the queue closed) and never accepted. */
		private final Set<String> refused = ConcurrentHashMap.newKeySet();

		/** Every try of every put, as it went, by key: for failure messages. */
		private final Map<String, Queue<String>> putTries = new ConcurrentHashMap<>();

		/** Deliveries by job id. */
		private final Map<String, Queue<Seen>> deliveries = new ConcurrentHashMap<>();

		/** Dead letters by job id; filled by drainDeadLetters. */
		private final Map<String, Letter> dead = new HashMap<>();

		/**
		 * Answers counted by phase, request kind and status (and problem type), such as
		 * {@code "FAULT put 503 backend-unavailable"}, and requests that got none
		 * ({@code refused}, {@code lost}, {@code hung-up}).
		 */
		private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();

		/** The most any answer took beyond its wait, in ms, by request kind. */
		private final Map<String, Long> overrun = new ConcurrentHashMap<>();

		/** What broke the API's contract, as it happened. */
		private final Queue<String> anomalies = new ConcurrentLinkedQueue<>();

		private final AtomicInteger drainedConsumers = new AtomicInteger();

		/**
		 * Parked puts and takes the surviving replicas withdrew when their client hung
		 * up, as their metrics count them; set by finish.
		 */
		private volatile Map<String, Long> withdrawn = Map.of();

		Race(String queue, int maxAttempts, SplittableRandom random) {
			this.queue = queue;
			this.maxAttempts = maxAttempts;
			this.random = random;
			this.replicas = RedisReplicasRaceIT.replicas.stream().filter(Replica::isAlive).toList();
		}

		/** The indexes of this race's replicas that pass {@code filter}. */
		List<Integer> indexes(Predicate<Replica> filter) {
			return this.replicas.stream().filter(filter).map((replica) -> replica.index).toList();
		}

		void start() throws Exception {
			configure(this.maxAttempts);
			for (int p = 0; p < PRODUCERS; p++) {
				int producer = p;
				SplittableRandom own = this.random.split();
				this.producers.add(this.threads.submit(() -> produce(producer, own)));
			}
			for (int c = 0; c < CONSUMERS; c++) {
				SplittableRandom own = this.random.split();
				this.consumers.add(this.threads.submit(() -> consume(own)));
			}
		}

		/**
		 * Stops the producers, closes the queue through a replica still alive, lets the
		 * consumers drain it, then empties the dead-letter queue.
		 */
		void finish() throws Exception {
			try {
				this.producing = false;
				awaitAll(this.producers, STOP_LIMIT, "producers learning their last put's outcome");
				this.phase = Phase.DRAINING;
				close();
				awaitAll(this.consumers, DRAIN_LIMIT, "consumers draining the queue");
				drainDeadLetters();
				this.withdrawn = countWithdrawn();
			}
			finally {
				this.threads.shutdownNow();
			}
		}

		private void awaitAll(List<Future<?>> workers, Duration limit, String what) throws InterruptedException {
			long deadline = System.nanoTime() + limit.toNanos();
			for (Future<?> worker : workers) {
				try {
					worker.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				}
				catch (ExecutionException ex) {
					throw new AssertionError(summary() + ": " + what + " failed: " + ex.getCause(), ex.getCause());
				}
				catch (TimeoutException ex) {
					throw new AssertionError(summary() + ": " + what + " not done within " + limit, ex);
				}
			}
		}

		// ---- producers

		private Void produce(int producer, SplittableRandom random) throws InterruptedException {
			for (int n = 0; this.producing; n++) {
				if (!putUntilKnown("s" + SEED + "-p" + producer + "-" + n, random)) {
					return null;
				}
				restInLull();
			}
			return null;
		}

		/**
		 * Waits out a lull: producers rest together for {@link #LULL} of every
		 * {@link #LULL_PERIOD}, so that the queue runs empty as well as full, and takes
		 * park.
		 */
		private void restInLull() throws InterruptedException {
			long intoPeriod = (System.nanoTime() - this.startedAt) % LULL_PERIOD.toNanos();
			if (intoPeriod < LULL.toNanos()) {
				Thread.sleep(Duration.ofNanos(LULL.toNanos() - intoPeriod));
			}
		}

		/**
		 * Puts the job of {@code key} until its outcome is known.
		 * @return true once accepted, false if refused for good
		 */
		private boolean putUntilKnown(String key, SplittableRandom random) throws InterruptedException {
			Replica avoid = null;
			// whether a try may have been accepted though no answer said so
			boolean unknown = false;
			long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
			while (this.producing || System.nanoTime() < deadline) {
				Replica via = pick(random, avoid);
				avoid = null;
				Duration wait = (random.nextInt(4) == 0) ? Duration.ZERO : WAIT;
				// now and then the producer hangs up on its own put, parked or not
				Duration hangUpAfter = (random.nextInt(20) == 0) ? Duration.ofMillis(random.nextInt(300)) : null;
				long sentAt = System.nanoTime();
				Answer answer = send(via,
						new Call("put", "POST", "/v1/queues/" + this.queue + "/jobs?wait=" + wait.toMillis() + "ms",
								"\"" + key + "\"", key, wait),
						hangUpAfter);
				this.putTries.computeIfAbsent(key, (k) -> new ConcurrentLinkedQueue<>())
					.add(TimeUnit.NANOSECONDS.toMillis(sentAt - this.startedAt) + " ms, " + this.phase + ", replica "
							+ via.index + ", wait " + wait.toMillis() + " ms"
							+ ((hangUpAfter != null) ? ", hang up after " + hangUpAfter.toMillis() + " ms" : "") + ": "
							+ (answer.answered() ? answer.status() + " " + answer.body() : answer.reach()));
				if (!answer.answered()) {
					unknown |= answer.reach() != Reach.REFUSED;
					avoid = via;
					continue;
				}
				switch (answer.status()) {
					case 200, 201 -> {
						if (answer.status() == 200 && !unknown) {
							this.anomalies
								.add("key " + key + " answered 200 (accepted before), but every earlier try was"
										+ " refused: " + this.putTries.get(key));
						}
						accept(key, answer);
						return true;
					}
					case 409 -> {
						this.refused.add(key);
						return false;
					}
					// 429 queue-full (the job was not accepted) or 503
					// backend-unavailable
					default -> {
						unknown |= answer.type().equals("backend-unavailable");
						pause(answer);
					}
				}
			}
			this.anomalies.add("the put of " + key + " got no definite answer within " + STOP_LIMIT);
			return false;
		}

		private void accept(String key, Answer answer) {
			String jobId = json.readTree(answer.body()).path("id").asString();
			String before = this.accepted.putIfAbsent(key, jobId);
			if (before != null && !before.equals(jobId)) {
				this.anomalies.add("key " + key + " accepted as job " + before + " and again as job " + jobId);
			}
			this.acceptedVia.computeIfAbsent(this.phase, (phase) -> new ConcurrentHashMap<>())
				.computeIfAbsent(answer.via().index, (index) -> new LongAdder())
				.increment();
		}

		// ---- consumers

		private Void consume(SplittableRandom random) throws InterruptedException {
			Replica avoid = null;
			long hardStop = this.startedAt + WORK.multipliedBy(2).plus(RECOVERY_LIMIT).plus(DRAIN_LIMIT).toNanos();
			while (System.nanoTime() < hardStop) {
				Replica via = pick(random, avoid);
				avoid = null;
				int max = 1 + random.nextInt(3);
				// now and then the consumer hangs up mid long-poll
				Duration hangUpAfter = (random.nextInt(5) == 0) ? Duration.ofMillis(50 + random.nextInt(600)) : null;
				long askedAt = System.nanoTime();
				Answer answer = send(via,
						new Call("take", "POST", "/v1/queues/" + this.queue + "/leases?wait=" + WAIT.toMillis()
								+ "ms&max=" + max + "&lease=" + LEASE.toMillis() + "ms", null, null, WAIT),
						hangUpAfter);
				if (!answer.answered()) {
					avoid = via;
					continue;
				}
				switch (answer.status()) {
					case 200 -> {
						for (JsonNode delivery : json.readTree(answer.body())) {
							settle(delivery, via, askedAt, random);
						}
					}
					case 410 -> {
						this.drainedConsumers.incrementAndGet();
						return null;
					}
					case 204 -> {
						// nothing came within the wait
					}
					default -> pause(answer);
				}
			}
			return null;
		}

		/** Acks, extends then acks, nacks or abandons a delivery, through any replica. */
		private void settle(JsonNode delivery, Replica via, long askedAt, SplittableRandom random)
				throws InterruptedException {
			String leaseId = delivery.path("leaseId").asString();
			int dice = random.nextInt(100);
			Settled settled;
			if (dice < 65) {
				settled = ack(leaseId, random);
			}
			else if (dice < 75) {
				Answer extended = settleCall(leaseId, "extend?by=" + LEASE.toMillis() + "ms", random);
				settled = (extended != null && extended.status() == 200) ? ack(leaseId, random) : Settled.FAILED;
			}
			else if (dice < 87) {
				// the job comes again whether the nack or the lease's end brings it back
				settleCall(leaseId, "nack?delay=" + (random.nextBoolean() ? "0" : "100ms"), random);
				settled = Settled.FAILED;
			}
			else {
				settled = Settled.FAILED; // abandoned: the lease runs out
			}
			see(delivery, via, askedAt, settled);
		}

		private Settled ack(String leaseId, SplittableRandom random) throws InterruptedException {
			Answer answer = settleCall(leaseId, "ack", random);
			if (answer == null) {
				return Settled.UNKNOWN;
			}
			if (answer.status() == 204) {
				return Settled.ACKED;
			}
			// 410: expired — unless an earlier try whose answer was lost acked it
			return answer.tries() > 1 ? Settled.UNKNOWN : Settled.FAILED;
		}

		/**
		 * Settles a lease, repeating through other replicas while no definite answer
		 * comes, for at most a few seconds.
		 * @return the definite answer (2xx or 410), or null if none came
		 */
		private Answer settleCall(String leaseId, String action, SplittableRandom random) throws InterruptedException {
			Replica avoid = null;
			int uncertain = 0;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
			String op = action.replaceAll("\\?.*", "");
			while (System.nanoTime() < deadline) {
				Replica via = pick(random, avoid);
				Answer answer = send(via, new Call(op, "POST",
						"/v1/queues/" + this.queue + "/leases/" + leaseId + "/" + action, null, null, Duration.ZERO),
						null);
				if (answer.reach() == Reach.REFUSED) {
					avoid = via; // never sent: as if not tried
					continue;
				}
				if (answer.reach() == Reach.ANSWERED && answer.status() != 503) {
					return answer.afterTries(uncertain + 1);
				}
				uncertain++;
				avoid = via;
				pause(answer);
			}
			return null;
		}

		private void see(JsonNode delivery, Replica via, long askedAt, Settled settled) {
			String jobId = delivery.path("jobId").asString();
			Seen seen = new Seen(jobId, delivery.path("payload").asString(), delivery.path("leaseId").asString(),
					delivery.path("attempt").asInt(), via.index, askedAt, settled, System.nanoTime());
			this.deliveries.computeIfAbsent(jobId, (id) -> new ConcurrentLinkedQueue<>()).add(seen);
		}

		// ---- the test's own moves

		/**
		 * Takes a few jobs through {@code replica} and holds their leases, as a consumer
		 * whose jobs were leased through a replica that is about to die.
		 */
		List<Seen> holdLeasesThrough(Replica replica) throws InterruptedException {
			long askedAt = System.nanoTime();
			Answer answer = send(replica,
					new Call("take", "POST",
							"/v1/queues/" + this.queue + "/leases?wait=2s&max=5&lease=" + LEASE.toMillis() + "ms", null,
							null, Duration.ofSeconds(2)),
					null);
			List<Seen> held = new ArrayList<>();
			if (answer.answered() && answer.status() == 200) {
				for (JsonNode delivery : json.readTree(answer.body())) {
					see(delivery, replica, askedAt, Settled.HELD);
					String jobId = delivery.path("jobId").asString();
					this.deliveries.get(jobId)
						.stream()
						.filter((seen) -> seen.leaseId().equals(delivery.path("leaseId").asString()))
						.forEach(held::add);
				}
			}
			return held;
		}

		/**
		 * Waits until {@code replica} answers a queue read again.
		 * @return how long that took
		 */
		Duration awaitServing(Replica replica) throws InterruptedException {
			long from = System.nanoTime();
			long deadline = from + RECOVERY_LIMIT.toNanos();
			while (System.nanoTime() < deadline) {
				Answer answer = send(replica,
						new Call("get", "GET", "/v1/queues/" + this.queue, null, null, Duration.ZERO), null);
				if (answer.answered() && answer.status() == 200) {
					return Duration.ofNanos(System.nanoTime() - from).truncatedTo(ChronoUnit.MILLIS);
				}
				Thread.sleep(100);
			}
			throw new AssertionError(summary() + ": replica " + replica.index + " still not serving " + RECOVERY_LIMIT
					+ " after Redis came back");
		}

		private void configure(int maxAttempts) throws InterruptedException {
			Answer answer = send(this.pickAlive(),
					new Call("configure", "PUT", "/v1/queues/" + this.queue,
							"{\"capacity\": " + CAPACITY + ", \"leaseTimeout\": \"" + LEASE.toMillis()
									+ "ms\", \"maxAttempts\": " + maxAttempts + "}",
							null, Duration.ZERO),
					null);
			assertThat(answer.status()).as("creating the queue: %s", answer.body()).isEqualTo(201);
		}

		private void close() throws InterruptedException {
			long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
			while (System.nanoTime() < deadline) {
				Replica via = pickAlive();
				Answer answer = send(via,
						new Call("close", "POST", "/v1/queues/" + this.queue + "/close", null, null, Duration.ZERO),
						null);
				if (answer.answered() && answer.status() == 200) {
					return;
				}
				pause(answer);
			}
			throw new AssertionError(summary() + ": the queue could not be closed within " + STOP_LIMIT);
		}

		/**
		 * Parked puts and takes withdrawn because their client went away, by kind, summed
		 * over the replicas still alive ({@code dispatch.*.wait} timers with outcome
		 * {@code cancelled}).
		 */
		private Map<String, Long> countWithdrawn() throws InterruptedException {
			Map<String, Long> withdrawn = new TreeMap<>();
			for (Replica replica : this.replicas) {
				if (!replica.isAlive()) {
					continue;
				}
				Answer scrape = send(replica,
						new Call("scrape", "GET", "/actuator/prometheus", null, null, Duration.ZERO), null);
				for (String line : scrape.body().split("\n")) {
					for (String kind : List.of("put", "take")) {
						if (line.startsWith("dispatch_" + kind + "_wait_seconds_count{")
								&& line.contains("outcome=\"cancelled\"")
								&& line.contains("queue=\"" + this.queue + "\"")) {
							withdrawn.merge(kind, (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)),
									Long::sum);
						}
					}
				}
			}
			return withdrawn;
		}

		/** Empties the dead-letter queue, through a replica still alive. */
		private void drainDeadLetters() throws InterruptedException {
			String letters = this.queue + ".dead";
			for (;;) {
				Answer answer = send(pickAlive(),
						new Call("dead-letter take", "POST",
								"/v1/queues/" + letters + "/leases?wait=0&max=100&ack=auto", null, null, Duration.ZERO),
						null);
				assertThat(answer.answered()).as("%s: taking dead letters", summary()).isTrue();
				if (answer.status() != 200) {
					assertThat(answer.status()).as("%s: taking dead letters: %s", summary(), answer.body())
						.isIn(204, 404);
					return;
				}
				for (JsonNode letter : json.readTree(answer.body())) {
					JsonNode why = letter.path("deadLetter");
					Letter before = this.dead.put(letter.path("jobId").asString(),
							new Letter(letter.path("payload").asString(), why.path("queue").asString(),
									why.path("reason").asString(), why.path("attempts").asInt()));
					assertThat(before).as("%s: job %s dead-lettered twice", summary(), letter.path("jobId").asString())
						.isNull();
				}
			}
		}

		// ---- requests

		private Replica pick(SplittableRandom random, Replica avoid) {
			Replica chosen = this.replicas.get(random.nextInt(this.replicas.size()));
			while (chosen == avoid) {
				chosen = this.replicas.get(random.nextInt(this.replicas.size()));
			}
			return chosen;
		}

		/** The first replica still running: for the test's own requests. */
		private Replica pickAlive() {
			return this.replicas.stream().filter(Replica::isAlive).findFirst().orElseThrow();
		}

		/**
		 * Sends a request and checks its answer against the API.
		 * @param hangUpAfter when to hang up on the request ourselves, or null to await
		 * its answer
		 */
		private Answer send(Replica via, Call call, Duration hangUpAfter) throws InterruptedException {
			long sentAt = System.nanoTime();
			CompletableFuture<HttpResponse<String>> pending = http.sendAsync(call.toRequest(via),
					HttpResponse.BodyHandlers.ofString());
			Duration patience = (hangUpAfter != null) ? hangUpAfter : call.maxWait().plus(HANG_MARGIN);
			HttpResponse<String> response;
			try {
				try {
					response = pending.get(patience.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (TimeoutException ex) {
					if (pending.cancel(true)) {
						if (hangUpAfter == null) {
							this.anomalies.add(call.op() + " via replica " + via.index + " hung past its wait + "
									+ HANG_MARGIN + ": " + call.path());
						}
						return count(call,
								new Answer(via, (hangUpAfter != null) ? Reach.HUNG_UP : Reach.LOST, null, 1));
					}
					// it completed as we hung up
					response = pending.get();
				}
			}
			catch (ExecutionException ex) {
				return count(call, new Answer(via, failure(call, via, ex.getCause()), null, 1));
			}
			long beyondWait = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt) - call.maxWait().toMillis();
			this.overrun.merge(call.op(), beyondWait, Math::max);
			Answer answer = count(call, new Answer(via, Reach.ANSWERED, response, 1));
			checkAnswer(call, answer);
			return answer;
		}

		private Reach failure(Call call, Replica via, Throwable cause) {
			if (cause instanceof ConnectException) {
				return Reach.REFUSED;
			}
			if (cause instanceof HttpTimeoutException) {
				this.anomalies.add(call.op() + " via replica " + via.index + " timed out: " + call.path());
			}
			return Reach.LOST;
		}

		private Answer count(Call call, Answer answer) {
			String what = switch (answer.reach()) {
				case ANSWERED ->
					call.op() + " " + answer.status() + (answer.type().isEmpty() ? "" : " " + answer.type());
				case REFUSED -> call.op() + " refused";
				case LOST -> call.op() + " lost";
				case HUNG_UP -> call.op() + " hung-up";
			};
			Phase now = this.phase;
			this.answers.computeIfAbsent(now + " " + what, (k) -> new LongAdder()).increment();
			if (answer.reach() == Reach.REFUSED) {
				this.answers.computeIfAbsent(now + " refused", (k) -> new LongAdder()).increment();
			}
			if (answer.type().equals("backend-unavailable")) {
				this.answers.computeIfAbsent(now + " 503 backend-unavailable", (k) -> new LongAdder()).increment();
			}
			return answer;
		}

		/** Records an answer the API does not document for the request. */
		private void checkAnswer(Call call, Answer answer) {
			int status = answer.status();
			String type = answer.type();
			boolean documented = switch (call.op()) {
				case "put" -> status == 201 || status == 200 || (status == 409 && type.equals("queue-closed"))
						|| (status == 429 && type.equals("queue-full"))
						|| (status == 503 && type.equals("backend-unavailable"));
				case "take" -> status == 200 || status == 204 || (status == 410 && type.equals("queue-drained"))
						|| (status == 503 && type.equals("backend-unavailable"));
				case "ack", "nack" -> status == 204 || (status == 410 && type.equals("lease-expired"))
						|| (status == 503 && type.equals("backend-unavailable"));
				case "extend" -> status == 200 || (status == 410 && type.equals("lease-expired"))
						|| (status == 503 && type.equals("backend-unavailable"));
				default -> status < 300 || (status == 503 && type.equals("backend-unavailable"))
						|| (status == 404 && call.op().equals("dead-letter take"));
			};
			if (!documented) {
				this.anomalies.add(call.op() + " via replica " + answer.via().index + " answered " + status + " in "
						+ this.phase + ": " + answer.body());
			}
			if (status >= 400) {
				String contentType = answer.response().headers().firstValue("Content-Type").orElse("");
				if (!contentType.startsWith("application/problem+json") || type.isEmpty()) {
					this.anomalies.add(call.op() + " answered " + status + " as '" + contentType + "', not a problem: "
							+ answer.body());
				}
			}
			if (status == 503 && answer.response().headers().firstValue("Retry-After").isEmpty()) {
				this.anomalies.add(call.op() + " answered 503 without Retry-After: " + answer.body());
			}
		}

		/** A short pause before repeating a request that got no useful answer. */
		private void pause(Answer answer) throws InterruptedException {
			if (!answer.answered() || answer.status() == 503) {
				Thread.sleep(50);
			}
		}

		// ---- the ledger

		long count(Phase phase, String what) {
			LongAdder count = this.answers.get(phase + " " + what);
			return (count != null) ? count.sum() : 0;
		}

		Map<Integer, Long> acceptedThrough(Phase phase) {
			Map<Integer, Long> byReplica = new TreeMap<>();
			this.acceptedVia.getOrDefault(phase, Map.of()).forEach((index, count) -> byReplica.put(index, count.sum()));
			return byReplica;
		}

		private Map<Phase, Map<Integer, Long>> acceptedByPhase() {
			Map<Phase, Map<Integer, Long>> byPhase = new TreeMap<>();
			for (Phase phase : this.acceptedVia.keySet()) {
				byPhase.put(phase, acceptedThrough(phase));
			}
			return byPhase;
		}

		String summary() {
			long seen = this.deliveries.values().stream().mapToLong(Queue::size).sum();
			long acked = this.deliveries.values()
				.stream()
				.flatMap(Queue::stream)
				.filter((one) -> one.settled() == Settled.ACKED)
				.count();
			long unknownAcks = this.deliveries.values()
				.stream()
				.flatMap(Queue::stream)
				.filter((one) -> one.settled() == Settled.UNKNOWN)
				.count();
			Map<String, Long> counted = new TreeMap<>();
			this.answers.forEach((what, count) -> counted.put(what, count.sum()));
			return "seed " + SEED + ", queue " + this.queue + " (logs in " + LOGS + "), "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.startedAt) + " ms in: "
					+ this.accepted.size() + " jobs accepted, " + this.refused.size() + " refused, " + seen
					+ " deliveries seen, " + acked + " acked, " + unknownAcks + " acks of unknown outcome, "
					+ this.dead.size() + " dead-lettered, " + this.drainedConsumers.get() + " of " + CONSUMERS
					+ " consumers saw the queue drained, parked requests withdrawn when their client hung up "
					+ this.withdrawn + ", accepted by phase and replica " + acceptedByPhase() + ", "
					+ "most ms beyond the wait " + new TreeMap<>(this.overrun) + ", answers " + counted;
		}

		void checkAnswers() {
			assertThat(this.anomalies).as("%s: answers outside the API", summary()).isEmpty();
		}

		void checkLedger() throws InterruptedException {
			String run = summary();
			assertThat(this.drainedConsumers.get()).as("%s: consumers that saw the queue drained", run)
				.isEqualTo(CONSUMERS);
			for (Replica replica : this.replicas) {
				if (replica.isAlive()) {
					Answer info = send(replica,
							new Call("get", "GET", "/v1/queues/" + this.queue, null, null, Duration.ZERO), null);
					assertThat(info.body()).as("%s: the queue seen through replica %d", run, replica.index)
						.contains("\"drained\":true")
						.contains("\"unfinished\":0");
				}
			}
			assertThat(redis.command("LLEN", KEY_PREFIX + ":{" + this.queue + "}:outbox"))
				.as("%s: dead letters stuck in the outbox", run)
				.isEqualTo("0");
			assertThat(redis.command("EVAL", "return #redis.call('KEYS', ARGV[1])", "0",
					KEY_PREFIX + ":{" + this.queue + "}:job:*"))
				.as("%s: jobs' data left in Redis", run)
				.isEqualTo("0");

			Map<String, String> keyOfJob = new HashMap<>();
			this.accepted.forEach((key, jobId) -> assertThat(keyOfJob.put(jobId, key))
				.as("%s: job id %s answered for two keys", run, jobId)
				.isNull());
			Set<String> leases = new HashSet<>();
			this.deliveries.forEach((jobId, seen) -> {
				for (Seen one : seen) {
					assertThat(keyOfJob.get(jobId)).as("%s: job %s delivered (%s) with payload %s, whose put was %s",
							run, jobId, one, one.key(), this.accepted.containsKey(one.key())
									? "accepted as job " + this.accepted.get(one.key()) : "never accepted")
						.isEqualTo(one.key());
					assertThat(leases.add(one.leaseId())).as("%s: lease of job %s issued twice: %s", run, jobId, seen)
						.isTrue();
					assertThat(one.attempt()).as("%s: attempt of job %s, %s", run, jobId, one)
						.isBetween(1, this.maxAttempts);
				}
			});
			this.dead.forEach((jobId, letter) -> {
				assertThat(keyOfJob.get(jobId)).as("%s: dead-lettered job %s (%s) was accepted", run, jobId, letter)
					.isEqualTo(letter.key());
				assertThat(letter).as("%s: why job %s was dead-lettered", run, jobId)
					.isEqualTo(new Letter(letter.key(), this.queue, "max-attempts", this.maxAttempts));
			});
			this.accepted.forEach((key, jobId) -> checkSettledOnce(run, key, jobId));
		}

		/**
		 * Checks that job {@code jobId} was acked exactly once or dead-lettered, and
		 * never delivered after its ack.
		 */
		private void checkSettledOnce(String run, String key, String jobId) {
			List<Seen> seen = this.deliveries.getOrDefault(jobId, new ConcurrentLinkedQueue<>())
				.stream()
				.sorted(Comparator.comparingInt(Seen::attempt))
				.toList();
			boolean dead = this.dead.containsKey(jobId);
			assertThat(seen.stream().map(Seen::attempt).distinct().count())
				.as("%s: job %s (%s) delivered twice at one attempt: %s", run, jobId, key, seen)
				.isEqualTo(seen.size());
			List<Seen> acks = seen.stream().filter((one) -> one.settled() == Settled.ACKED).toList();
			assertThat(acks.size() + (dead ? 1 : 0))
				.as("%s: job %s (%s) settled at most once; dead-lettered %s, deliveries %s", run, jobId, key, dead,
						seen)
				.isLessThanOrEqualTo(1);
			if (acks.isEmpty()) {
				// gone without a 204 only if its last delivery's ack may have been run
				assertThat(dead || (!seen.isEmpty() && seen.getLast().settled() == Settled.UNKNOWN))
					.as("%s: job %s (%s) lost: accepted, never acked nor dead-lettered; deliveries %s; its puts %s",
							run, jobId, key, seen, this.putTries.get(key))
					.isTrue();
				return;
			}
			Seen ack = acks.getFirst();
			for (Seen other : seen) {
				if (other != ack) {
					assertThat(other.askedAt() < ack.settledAt() && other.attempt() < ack.attempt())
						.as("%s: job %s (%s) delivered after its ack (%s): %s", run, jobId, key, ack, other)
						.isTrue();
				}
			}
		}

		/**
		 * Checks that a job leased through {@code victim} before it was killed came back
		 * when its lease ran out and was delivered again through a survivor (or, after
		 * its last attempt, dead-lettered).
		 */
		void checkCameBackThroughSurvivors(Seen held, Replica victim) {
			List<Seen> later = this.deliveries.get(held.jobId())
				.stream()
				.filter((one) -> one.attempt() > held.attempt())
				.toList();
			assertThat(later.stream().anyMatch((one) -> one.replica() != victim.index)
					|| this.dead.containsKey(held.jobId()))
				.as("%s: job %s held through replica %d (%s) came back; later deliveries %s, dead-lettered %s",
						summary(), held.jobId(), victim.index, held, later, this.dead.containsKey(held.jobId()))
				.isTrue();
		}

	}

	/** How far a request got. */
	private enum Reach {

		/** An HTTP answer came. */
		ANSWERED,

		/** The connection was refused: the request was never sent. */
		REFUSED,

		/** Sent, but the connection failed or the answer did not come in time. */
		LOST,

		/** The client hung up on it on purpose. */
		HUNG_UP

	}

	/**
	 * A request to send to any replica.
	 *
	 * @param op what it is, for counts and checks: put, take, ack, nack, extend…
	 * @param method the HTTP method
	 * @param path the path and query
	 * @param body a JSON body, or null
	 * @param idempotencyKey the {@code Idempotency-Key}, or null
	 * @param maxWait how long the server may keep it parked
	 */
	private record Call(String op, String method, String path, String body, String idempotencyKey, Duration maxWait) {

		HttpRequest toRequest(Replica via) {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + via.port + this.path))
				.timeout(this.maxWait.plus(HANG_MARGIN))
				.header("Content-Type", "application/json")
				.method(this.method, (this.body != null) ? HttpRequest.BodyPublishers.ofString(this.body)
						: HttpRequest.BodyPublishers.noBody());
			if (this.idempotencyKey != null) {
				request.header("Idempotency-Key", this.idempotencyKey);
			}
			return request.build();
		}

	}

	/**
	 * What came of a request.
	 *
	 * @param via the replica it was sent to
	 * @param reach how far it got
	 * @param response the answer, if one came
	 * @param tries how many tries it took (repeated through other replicas while no
	 * definite answer came)
	 */
	private record Answer(Replica via, Reach reach, HttpResponse<String> response, int tries) {

		boolean answered() {
			return this.reach == Reach.ANSWERED;
		}

		int status() {
			return answered() ? this.response.statusCode() : 0;
		}

		String body() {
			return answered() ? this.response.body() : "(" + this.reach + ")";
		}

		/** The problem's type, without {@code /problems/}; empty if none. */
		String type() {
			if (!answered() || this.response.statusCode() < 400) {
				return "";
			}
			try {
				String type = json.readTree(this.response.body()).path("type").asString("");
				return type.substring(type.lastIndexOf('/') + 1);
			}
			catch (RuntimeException notJson) {
				return "";
			}
		}

		Answer afterTries(int count) {
			return new Answer(this.via, this.reach, this.response, count);
		}

	}

	// ---- processes

	/** One replica: a JVM running the packaged jar, its output appended to a file. */
	private static final class Replica {

		final int index;

		final Path log;

		private final String java;

		private final Path jar;

		private final String redisUri;

		/** The HTTP port; set by launch, before any request thread starts. */
		volatile int port;

		private volatile Process process;

		Replica(int index, Path log, String java, Path jar, String redisUri) {
			this.index = index;
			this.log = log;
			this.java = java;
			this.jar = jar;
			this.redisUri = redisUri;
		}

		void launch() throws IOException {
			this.port = freePort();
			ProcessBuilder builder = new ProcessBuilder(this.java, "-Xmx256m", "-jar", this.jar.toString(),
					"--server.port=" + this.port, "--server.address=127.0.0.1", "--dispatch.backend=redis",
					"--spring.data.redis.url=" + this.redisUri, "--dispatch.redis.key-prefix=" + KEY_PREFIX,
					"--logging.level.root=warn")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
			builder.environment().remove("CLASSPATH");
			builder.environment().remove("JAVA_TOOL_OPTIONS");
			this.process = builder.start();
			LIVE.add(this.process);
		}

		boolean isAlive() {
			return this.process != null && this.process.isAlive();
		}

		/** SIGKILL, and waits until the process is gone. */
		void kill() {
			Process running = this.process;
			if (running == null) {
				return;
			}
			running.destroyForcibly();
			try {
				running.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			LIVE.remove(running);
		}

		String tail() {
			try {
				List<String> lines = Files.exists(this.log) ? Files.readAllLines(this.log) : List.of();
				return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
			}
			catch (IOException | UncheckedIOException ex) {
				return "(could not read " + this.log + ": " + ex + ")";
			}
		}

	}

	/**
	 * Waits until {@code replica} is ready; launches it again on a fresh port if another
	 * process took its port first.
	 */
	private static void awaitReady(Replica replica) throws Exception {
		URI readiness = URI.create("http://127.0.0.1:" + replica.port + "/actuator/health/readiness");
		long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
		for (int attempt = 1; System.nanoTime() < deadline;) {
			try {
				HttpResponse<Void> ready = http.send(
						HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.discarding());
				if (ready.statusCode() == 200) {
					return;
				}
			}
			catch (IOException notYet) {
				if (!replica.isAlive()) {
					if (attempt < PORT_ATTEMPTS && replica.tail().contains("already in use")) {
						attempt++;
						replica.launch();
						readiness = URI.create("http://127.0.0.1:" + replica.port + "/actuator/health/readiness");
						continue;
					}
					throw new AssertionError(
							"replica " + replica.index + " exited before it was ready:\n" + replica.tail());
				}
			}
			Thread.sleep(250);
		}
		throw new AssertionError(
				"replica " + replica.index + " not ready within " + STARTUP_LIMIT + ":\n" + replica.tail());
	}

	private static void printLogTails() {
		for (Replica replica : replicas) {
			System.err
				.println("---- last lines of replica " + replica.index + " (" + replica.log + ")\n" + replica.tail());
		}
		if (redis != null) {
			String log = redis.log();
			System.err.println("---- last lines of redis-server\n" + log.substring(Math.max(0, log.length() - 4000)));
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
