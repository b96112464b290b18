package dev.dispatch.backend.memory;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.Ids;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.Lane;
import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.ManualScheduler;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

/**
 * Linearizability of the queue's non-parking operations, checked by Lincheck: every
 * concurrent run of these operations must give results some sequential order of them
 * would give. Model checking explores thread interleavings systematically; stress mode
 * runs them on real threads. Parking, timeouts and cancellation races are covered by
 * {@link MemoryJobQueueStressTest}.
 */
@Param(name = "job", gen = IntGen.class, conf = "1:4")
@Param(name = "key", gen = IntGen.class, conf = "1:2")
@Param(name = "capacity", gen = IntGen.class, conf = "1:3")
@Param(name = "lane", gen = IntGen.class, conf = "0:3")
@Param(name = "limit", gen = IntGen.class, conf = "0:3")
public class MemoryJobQueueLincheckTest {

	/**
	 * Scenarios per mode. The defaults keep {@code ./mvnw verify} near a minute and a
	 * half here; raise them for a deeper search
	 * ({@code -Dlincheck.iterations=10 -Dlincheck.invocations=1000} found a lock released
	 * in the middle of {@code rebalance} in about seven minutes).
	 */
	private static final int ITERATIONS = Integer.getInteger("lincheck.iterations", 8);

	/** Interleavings (or stress runs) per scenario. */
	private static final int INVOCATIONS = Integer.getInteger("lincheck.invocations", 250);

	private final MemoryQueueRegistry registry = new MemoryQueueRegistry(new ManualScheduler(), QueueListener.NONE,
			QueueConfig.DEFAULTS, true, Duration.ofMinutes(10));

	private final JobQueue queue;

	public MemoryJobQueueLincheckTest() {
		this.registry.configure("q", new QueueConfig(2, Duration.ofSeconds(30), 2, null));
		this.queue = this.registry.require("q");
	}

	@Operation
	public String put(@Param(name = "job") int job) {
		return this.queue.put(Payload.of(Integer.toString(job)), PutOptions.noWait()).join().label();
	}

	/**
	 * A put in one of four lanes: the default one, priority 9, group a, group b at
	 * priority 9 (so takes see priorities, turns and the default lane's fast path).
	 */
	@Operation
	public String putInLane(@Param(name = "job") int job, @Param(name = "lane") int lane) {
		Lane chosen = switch (lane) {
			case 0 -> Lane.DEFAULT;
			case 1 -> Lane.of(9, null);
			case 2 -> Lane.of(5, "a");
			default -> Lane.of(9, "b");
		};
		return this.queue.put(Payload.of(Integer.toString(job)), PutOptions.noWait().withLane(chosen)).join().label();
	}

	@Operation
	public String putKeyed(@Param(name = "job") int job, @Param(name = "key") int key) {
		PutOutcome outcome = this.queue
			.put(Payload.of(Integer.toString(job)), PutOptions.noWait().withIdempotencyKey("k" + key))
			.join();
		return outcome.label();
	}

	@Operation
	public String putBatch(@Param(name = "job") int job, @Param(name = "key") int key) {
		PutOutcome outcome = this.queue
			.putAll(List.of(NewJob.of(Payload.of(Integer.toString(job))),
					NewJob.of(Payload.of(Integer.toString(job + 10))).withIdempotencyKey("k" + key)), Duration.ZERO)
			.join();
		if (outcome instanceof PutOutcome.AcceptedAll all) {
			return "accepted " + all.jobs()
				.stream()
				.map((accepted) -> accepted.duplicate() ? "repeat" : "new")
				.collect(Collectors.joining(","));
		}
		return outcome.label();
	}

	@Operation
	public String putDelayed(@Param(name = "job") int job) {
		// the scheduler never moves: the job stays delayed, taking room
		return this.queue.put(Payload.of(Integer.toString(job)), PutOptions.noWait().withDelay(Duration.ofMinutes(1)))
			.join()
			.label();
	}

	@Operation
	public String take() {
		return describe(this.queue.take(TakeOptions.autoAcked(Duration.ZERO)).join());
	}

	@Operation
	public String takeTwo() {
		return describe(this.queue.take(TakeOptions.autoAcked(Duration.ZERO).withMax(2)).join());
	}

	@Operation
	public String takeLeased() {
		return describe(this.queue.take(TakeOptions.leased(Duration.ZERO)).join());
	}

	@Operation
	public int close() {
		return this.queue.close(CloseMode.GRACEFUL).join();
	}

	@Operation
	public int closeImmediately() {
		return this.queue.close(CloseMode.IMMEDIATE).join();
	}

	@Operation
	public int purge() {
		return this.queue.purge().join();
	}

	@Operation
	public boolean pause() {
		return this.queue.pause().join();
	}

	@Operation
	public boolean resume() {
		return this.queue.resume().join();
	}

	@Operation
	public void resize(@Param(name = "capacity") int capacity) {
		this.queue.configure(new QueueConfig(capacity, Duration.ofSeconds(30), 2, null)).join();
	}

	/**
	 * Sets limits live: 0 none, 1 one lease in flight, 2 one lease per second (whose
	 * bucket, with the test's clock standing still, never fills again), 3 one lease per
	 * group.
	 */
	@Operation
	public void limit(@Param(name = "limit") int limit) {
		this.queue
			.configure(new QueueConfig(2, Duration.ofSeconds(30), 2, null, (limit == 1) ? 1 : QueueConfig.UNLIMITED,
					(limit == 2) ? 1 : QueueConfig.UNLIMITED, (limit == 3) ? 1 : QueueConfig.UNLIMITED))
			.join();
	}

	@Operation
	public String state() {
		QueueSnapshot s = this.queue.snapshot().join();
		return "size=" + s.size() + " delayed=" + s.delayed() + " inFlight=" + s.inFlight() + " closed=" + s.closed()
				+ " drained=" + s.drained() + " paused=" + s.paused();
	}

	@Operation
	public boolean joined() {
		return this.queue.join(Duration.ZERO).join();
	}

	private static String describe(TakeOutcome outcome) {
		if (outcome instanceof TakeOutcome.Delivered delivered) {
			List<Delivery> deliveries = delivered.deliveries();
			return deliveries.stream()
				.map((d) -> d.payload().asString() + "#" + d.attempt())
				.collect(Collectors.joining(","));
		}
		return outcome.label();
	}

	@Test
	void modelChecking() {
		new ModelCheckingOptions().iterations(ITERATIONS)
			.invocationsPerIteration(INVOCATIONS)
			.threads(3)
			.actorsPerThread(3)
			// Step into java.util too: the queue's state lives in JDK collections guarded
			// by a
			// ReentrantLock, and without this the checker sees almost no switch points in
			// it.
			.analyzeStdLib$lincheck(true)
			// Making ids, copying payloads and reading the test clock touch no queue
			// state: run
			// them atomically, so the model checker spends its interleavings on the queue
			// itself.
			.addGuarantee(forClasses(Ids.class.getName(), Payload.class.getName(), ManualScheduler.class.getName())
				.allMethods()
				.ignore())
			.check(getClass());
	}

	@Test
	void stress() {
		new StressOptions().iterations(ITERATIONS)
			.invocationsPerIteration(INVOCATIONS)
			.threads(3)
			.actorsPerThread(3)
			.check(getClass());
	}

}
