package dev.dispatch.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.Lane;
import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.JobInfo;
import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.Settled;
import dev.dispatch.queue.job.TraceContext;

/**
 * The contract every {@link JobQueue} backend must keep: each row of the semantics in
 * {@code docs/semantics.md}. A backend's test extends this class and says how to make a
 * registry. Time is a {@link ManualScheduler}: no test sleeps.
 */
public abstract class JobQueueContractTest {

	protected static final Duration LEASE = Duration.ofSeconds(30);

	protected static final Duration WAIT = Duration.ofSeconds(10);

	protected static final Duration DEDUP_WINDOW = Duration.ofMinutes(10);

	protected ManualScheduler time;

	protected RecordingListener events;

	protected QueueRegistry registry;

	/** Queue "q": capacity 3, lease 30 s, 3 attempts. */
	protected JobQueue queue;

	/**
	 * A new, empty registry of the backend under test.
	 */
	protected abstract QueueRegistry newRegistry(Scheduler scheduler, QueueListener listener, QueueConfig defaults,
			boolean autoCreate, Duration dedupWindow);

	@BeforeEach
	void newQueue() {
		this.time = new ManualScheduler();
		this.events = new RecordingListener();
		this.registry = newRegistry(this.time, this.events, QueueConfig.DEFAULTS, true, DEDUP_WINDOW);
		this.queue = queue("q", 3);
	}

	// ---- helpers

	protected JobQueue queue(String name, int capacity) {
		return queue(name, new QueueConfig(capacity, LEASE, 3, null));
	}

	protected JobQueue queue(String name, QueueConfig config) {
		this.registry.configure(name, config);
		return this.registry.require(name);
	}

	protected static <T> T done(CompletableFuture<T> future) {
		try {
			return future.get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("operation did not complete: " + ex, ex);
		}
	}

	protected static void assertParked(CompletableFuture<?> future) {
		assertThat(future).as("parked operation").isNotDone();
	}

	protected static QueueSnapshot snapshot(JobQueue queue) {
		return done(queue.snapshot());
	}

	protected static CompletableFuture<PutOutcome> put(JobQueue queue, String payload, Duration wait) {
		return queue.put(Payload.of(payload), PutOptions.waiting(wait));
	}

	protected static PutOutcome.Accepted accept(JobQueue queue, String payload) {
		PutOutcome outcome = done(put(queue, payload, Duration.ZERO));
		assertThat(outcome).isInstanceOf(PutOutcome.Accepted.class);
		return (PutOutcome.Accepted) outcome;
	}

	/** Puts a job of priority {@code priority} and group {@code group} (null: none). */
	protected static PutOutcome.Accepted acceptIn(JobQueue queue, String payload, int priority, String group) {
		PutOutcome outcome = done(
				queue.put(Payload.of(payload), PutOptions.noWait().withLane(Lane.of(priority, group))));
		assertThat(outcome).isInstanceOf(PutOutcome.Accepted.class);
		return (PutOutcome.Accepted) outcome;
	}

	protected static CompletableFuture<TakeOutcome> take(JobQueue queue, Duration wait) {
		return queue.take(TakeOptions.leased(wait));
	}

	protected static List<Delivery> delivered(CompletableFuture<TakeOutcome> take) {
		TakeOutcome outcome = done(take);
		assertThat(outcome).isInstanceOf(TakeOutcome.Delivered.class);
		return ((TakeOutcome.Delivered) outcome).deliveries();
	}

	protected static Delivery takeOne(JobQueue queue) {
		List<Delivery> deliveries = delivered(take(queue, Duration.ZERO));
		assertThat(deliveries).hasSize(1);
		return deliveries.getFirst();
	}

	/**
	 * With jobs ready but a limit that allows one lease only: each way that lease can end
	 * (ack, nack, release, expiry) serves a take parked behind it.
	 */
	protected void assertEveryEndOfTheOneLeaseServesAParkedTake(JobQueue queue) {
		Delivery held = takeOne(queue);
		CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
		assertParked(parked);
		done(queue.ack(held.leaseId()));
		held = delivered(parked).getFirst();

		parked = take(queue, WAIT);
		assertParked(parked);
		done(queue.nack(held.leaseId(), Duration.ofSeconds(5)));
		held = delivered(parked).getFirst();

		parked = take(queue, WAIT);
		assertParked(parked);
		done(queue.release(held.leaseId()));
		delivered(parked);

		parked = take(queue, LEASE.multipliedBy(2));
		assertParked(parked);
		this.time.advance(LEASE);
		// a shared backend expires leases on its own timer: reading the queue brings it
		// up
		// to now
		snapshot(queue);
		assertThat(delivered(parked)).as("after the lease ran out").hasSize(1);
	}

	protected static List<String> payloads(List<Delivery> deliveries) {
		return deliveries.stream().map((d) -> d.payload().asString()).toList();
	}

	/** Takes and acks every job ready now, returning their payloads in order. */
	protected static List<String> drainReady(JobQueue queue) {
		List<String> seen = new ArrayList<>();
		for (;;) {
			TakeOutcome outcome = done(take(queue, Duration.ZERO));
			if (!(outcome instanceof TakeOutcome.Delivered delivered)) {
				return seen;
			}
			for (Delivery delivery : delivered.deliveries()) {
				seen.add(delivery.payload().asString());
				assertThat(done(queue.ack(delivery.leaseId()))).isTrue();
			}
		}
	}

	// ---- the contract

	@Nested
	class PutAndTake {

		@Test
		void jobsComeOutInTheOrderTheyWentIn() {
			accept(queue, "a");
			accept(queue, "b");
			accept(queue, "c");
			assertThat(drainReady(queue)).containsExactly("a", "b", "c");
			assertThat(snapshot(queue).unfinished()).isZero();
		}

		@Test
		void aDeliveryCarriesTheJobAndItsLease() {
			Instant start = time.now();
			PutOutcome.Accepted accepted = accept(queue, "{\"n\":1}");
			time.advance(Duration.ofSeconds(2));
			Delivery delivery = takeOne(queue);
			assertThat(delivery.jobId()).isEqualTo(accepted.jobId());
			assertThat(delivery.payload()).isEqualTo(Payload.of("{\"n\":1}"));
			assertThat(delivery.attempt()).isEqualTo(1);
			assertThat(delivery.enqueuedAt()).isEqualTo(start).isEqualTo(accepted.enqueuedAt());
			assertThat(delivery.leaseExpiresAt()).isEqualTo(start.plusSeconds(2).plus(LEASE));
			assertThat(delivery.leaseId()).hasSizeGreaterThanOrEqualTo(20);
			assertThat(delivery.deadLetter()).isNull();
		}

		@Test
		void leaseIdsAndJobIdsAreUnique() {
			for (int i = 0; i < 3; i++) {
				accept(queue, "x");
			}
			List<Delivery> all = delivered(queue.take(TakeOptions.leased(Duration.ZERO).withMax(3)));
			assertThat(all.stream().map(Delivery::leaseId).distinct()).hasSize(3);
			assertThat(all.stream().map(Delivery::jobId).distinct()).hasSize(3);
		}

		@Test
		void aTakeHandsOverUpToMaxJobs() {
			accept(queue, "a");
			accept(queue, "b");
			accept(queue, "c");
			TakeOptions two = TakeOptions.leased(Duration.ZERO).withMax(2);
			assertThat(payloads(delivered(queue.take(two)))).containsExactly("a", "b");
			assertThat(payloads(delivered(queue.take(two.withMax(5))))).containsExactly("c");
		}

		@Test
		void aPutOnAFullQueueWithoutWaitIsRefused() {
			fill(queue, 3);
			assertThat(done(put(queue, "late", Duration.ZERO))).isInstanceOf(PutOutcome.Full.class);
			assertThat(snapshot(queue).size()).isEqualTo(3);
			assertThat(events.count("q", "rejected full")).isEqualTo(1);
		}

		@Test
		void leasedJobsDoNotTakeRoom() {
			fill(queue, 3);
			takeOne(queue);
			accept(queue, "fits");
			QueueSnapshot state = snapshot(queue);
			assertThat(state.size()).isEqualTo(3);
			assertThat(state.inFlight()).isEqualTo(1);
			assertThat(state.unfinished()).isEqualTo(4);
		}

		@Test
		void waitZeroNeverParks() {
			assertThat(done(take(queue, Duration.ZERO))).isInstanceOf(TakeOutcome.Empty.class);
			fill(queue, 3);
			assertThat(done(put(queue, "x", Duration.ZERO))).isInstanceOf(PutOutcome.Full.class);
			QueueSnapshot state = snapshot(queue);
			assertThat(state.waitingPutters()).isZero();
			assertThat(state.waitingTakers()).isZero();
		}

		@Test
		void payloadsAreKeptByteForByte() {
			byte[] bytes = "{ \"spaced\" :  [1, 2.50, \"é\\u00e9\"] }"
				.getBytes(java.nio.charset.StandardCharsets.UTF_8);
			done(queue.put(Payload.of(bytes), PutOptions.noWait()));
			assertThat(takeOne(queue).payload().toByteArray()).isEqualTo(bytes);
		}

	}

	@Nested
	class Parking {

		@Test
		void aParkedPutIsAcceptedWhenRoomFrees() {
			fill(queue, 3);
			CompletableFuture<PutOutcome> parked = put(queue, "d", WAIT);
			assertParked(parked);
			assertThat(snapshot(queue).waitingPutters()).isEqualTo(1);
			assertThat(takeOne(queue).payload().asString()).isEqualTo("1");
			assertThat(done(parked)).isInstanceOf(PutOutcome.Accepted.class);
			assertThat(drainReady(queue)).containsExactly("2", "3", "d");
		}

		@Test
		void parkedPutsAreAcceptedInArrivalOrder() {
			JobQueue one = queue("one", 1);
			accept(one, "first");
			List<CompletableFuture<PutOutcome>> parked = List.of(put(one, "p1", WAIT), put(one, "p2", WAIT),
					put(one, "p3", WAIT));
			List<String> order = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				Delivery delivery = takeOne(one);
				order.add(delivery.payload().asString());
				done(one.ack(delivery.leaseId()));
			}
			assertThat(order).containsExactly("first", "p1", "p2", "p3");
			assertThat(parked).allSatisfy((p) -> assertThat(done(p)).isInstanceOf(PutOutcome.Accepted.class));
		}

		@Test
		void aLateArrivalNeverOvertakesAParkedPut() {
			JobQueue one = queue("one", 1);
			accept(one, "first");
			CompletableFuture<PutOutcome> parked = put(one, "parked", WAIT);
			takeOne(one);
			assertThat(done(parked)).isInstanceOf(PutOutcome.Accepted.class);
			assertThat(done(put(one, "late", Duration.ZERO))).isInstanceOf(PutOutcome.Full.class);
			assertThat(payloads(List.of(takeOne(one)))).containsExactly("parked");
		}

		@Test
		void aParkedTakeReceivesAPutDirectly() {
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			assertParked(parked);
			assertThat(snapshot(queue).waitingTakers()).isEqualTo(1);
			time.advance(Duration.ofSeconds(1));
			accept(queue, "a");
			assertThat(payloads(delivered(parked))).containsExactly("a");
			QueueSnapshot state = snapshot(queue);
			assertThat(state.size()).isZero();
			assertThat(state.inFlight()).isEqualTo(1);
			assertThat(state.waitingTakers()).isZero();
			assertThat(events.events()).contains("q delivered direct first 0ms", "q waited take 1000ms delivered");
		}

		@Test
		void parkedTakesAreServedInArrivalOrder() {
			List<CompletableFuture<TakeOutcome>> parked = List.of(take(queue, WAIT), take(queue, WAIT),
					take(queue, WAIT));
			accept(queue, "a");
			accept(queue, "b");
			accept(queue, "c");
			assertThat(parked.stream().map((p) -> payloads(delivered(p)).getFirst())).containsExactly("a", "b", "c");
		}

		@Test
		void aTakeAnswersAsSoonAsOneJobArrives() {
			CompletableFuture<TakeOutcome> parked = queue.take(TakeOptions.leased(WAIT).withMax(10));
			accept(queue, "only");
			assertThat(payloads(delivered(parked))).containsExactly("only");
		}

		@Test
		void aPutWhoseWaitElapsesIsNotAccepted() {
			fill(queue, 3);
			CompletableFuture<PutOutcome> parked = put(queue, "late", WAIT);
			time.advance(WAIT.minusMillis(1));
			assertParked(parked);
			time.advance(Duration.ofMillis(1));
			assertThat(done(parked)).isInstanceOf(PutOutcome.Full.class);
			assertThat(snapshot(queue).waitingPutters()).isZero();
			assertThat(drainReady(queue)).containsExactly("1", "2", "3");
			assertThat(events.events()).contains("q waited put 10000ms full");
		}

		@Test
		void aTakeWhoseWaitElapsesIsEmpty() {
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			time.advance(WAIT);
			assertThat(done(parked)).isInstanceOf(TakeOutcome.Empty.class);
			assertThat(snapshot(queue).waitingTakers()).isZero();
			accept(queue, "a");
			assertThat(snapshot(queue).size()).isEqualTo(1);
		}

		@Test
		void aParkedPutMeetsATakeEvenWhenDelayedJobsFillTheQueue() {
			JobQueue one = queue("one", 1);
			accept(one, "a");
			done(one.nack(takeOne(one).leaseId(), Duration.ofMinutes(1)));
			CompletableFuture<PutOutcome> parked = put(one, "b", WAIT);
			assertParked(parked);
			CompletableFuture<TakeOutcome> taker = take(one, WAIT);
			assertThat(payloads(delivered(taker))).containsExactly("b");
			assertThat(done(parked)).isInstanceOf(PutOutcome.Accepted.class);
		}

	}

	@Nested
	class Cancellation {

		@Test
		void aCancelledParkedTakeIsWithdrawn() {
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			assertThat(parked.cancel(false)).isTrue();
			assertThat(snapshot(queue).waitingTakers()).isZero();
			accept(queue, "a");
			assertThat(snapshot(queue).size()).isEqualTo(1);
			assertThat(events.count("q", "waited take")).isEqualTo(1);
		}

		@Test
		void aCancelledParkedPutWasNeverAccepted() {
			fill(queue, 3);
			CompletableFuture<PutOutcome> parked = put(queue, "gone", WAIT);
			assertThat(parked.cancel(false)).isTrue();
			assertThat(parked).isCancelled();
			takeOne(queue);
			assertThat(drainReady(queue)).containsExactly("2", "3");
			assertThat(snapshot(queue).waitingPutters()).isZero();
		}

		@Test
		void cancellingAfterTheHandOffAnswersFalseAndKeepsTheJob() {
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			accept(queue, "a");
			assertThat(parked.cancel(false)).isFalse();
			assertThat(payloads(delivered(parked))).containsExactly("a");
		}

		@Test
		void aReleasedJobGoesBackToTheHeadWithoutCountingTheAttempt() {
			accept(queue, "a");
			accept(queue, "b");
			Delivery first = takeOne(queue);
			assertThat(done(queue.release(first.leaseId()))).isTrue();
			Delivery again = takeOne(queue);
			assertThat(again.payload().asString()).isEqualTo("a");
			assertThat(again.attempt()).isEqualTo(1);
			assertThat(done(queue.ack(first.leaseId()))).isFalse();
		}

		@Test
		void aReleasedJobGoesToAParkedTake() {
			accept(queue, "a");
			Delivery first = takeOne(queue);
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			done(queue.release(first.leaseId()));
			assertThat(payloads(delivered(parked))).containsExactly("a");
		}

	}

	@Nested
	class Leases {

		@Test
		void anAckFinishesTheJobOnce() {
			accept(queue, "a");
			Delivery delivery = takeOne(queue);
			assertThat(done(queue.ack(delivery.leaseId()))).isTrue();
			assertThat(done(queue.ack(delivery.leaseId()))).isFalse();
			assertThat(snapshot(queue).unfinished()).isZero();
		}

		@Test
		void unknownLeasesAreNotHeld() {
			assertThat(done(queue.ack("nope"))).isFalse();
			assertThat(done(queue.nack("nope", Duration.ZERO))).isFalse();
			assertThat(done(queue.extend("nope", null))).isEmpty();
			assertThat(done(queue.release("nope"))).isFalse();
		}

		@Test
		void anExpiredLeaseReturnsTheJobToTheHead() {
			accept(queue, "a");
			accept(queue, "b");
			Delivery first = takeOne(queue);
			time.advance(LEASE.minusMillis(1));
			assertThat(snapshot(queue).inFlight()).isEqualTo(1);
			time.advance(Duration.ofMillis(1));
			assertThat(snapshot(queue).inFlight()).isZero();
			Delivery again = takeOne(queue);
			assertThat(again.payload().asString()).isEqualTo("a");
			assertThat(again.attempt()).isEqualTo(2);
			assertThat(again.jobId()).isEqualTo(first.jobId());
			assertThat(done(queue.ack(first.leaseId()))).isFalse();
			assertThat(events.count("q", "expired")).isEqualTo(1);
		}

		@Test
		void anExpiredLeaseGoesToAParkedTake() {
			accept(queue, "a");
			takeOne(queue);
			CompletableFuture<TakeOutcome> parked = take(queue, LEASE.plus(WAIT));
			time.advance(LEASE);
			assertThat(delivered(parked).getFirst().attempt()).isEqualTo(2);
		}

		@Test
		void aTakeMayNameItsOwnLease() {
			accept(queue, "a");
			Delivery delivery = delivered(
					queue.take(TakeOptions.leased(Duration.ZERO).withLease(Duration.ofSeconds(5))))
				.getFirst();
			assertThat(delivery.leaseExpiresAt()).isEqualTo(time.now().plusSeconds(5));
			time.advance(Duration.ofSeconds(5));
			assertThat(snapshot(queue).size()).isEqualTo(1);
		}

		@Test
		void extendMovesTheDeadlineFromNow() {
			accept(queue, "a");
			Delivery delivery = takeOne(queue);
			time.advance(Duration.ofSeconds(20));
			Instant deadline = done(queue.extend(delivery.leaseId(), Duration.ofSeconds(30))).orElseThrow();
			assertThat(deadline).isEqualTo(time.now().plusSeconds(30));
			time.advance(Duration.ofSeconds(29));
			assertThat(snapshot(queue).inFlight()).isEqualTo(1);
			time.advance(Duration.ofSeconds(1));
			assertThat(snapshot(queue).inFlight()).isZero();
			assertThat(snapshot(queue).size()).isEqualTo(1);
		}

		@Test
		void extendWithoutLengthUsesTheQueuesLeaseTimeout() {
			accept(queue, "a");
			Delivery delivery = takeOne(queue);
			time.advance(Duration.ofSeconds(10));
			assertThat(done(queue.extend(delivery.leaseId(), null))).contains(time.now().plus(LEASE));
		}

		@Test
		void aNackedJobGoesBackAheadOfOlderReadyJobs() {
			accept(queue, "a");
			accept(queue, "b");
			Delivery first = takeOne(queue);
			assertThat(done(queue.nack(first.leaseId(), Duration.ZERO))).isTrue();
			assertThat(done(queue.nack(first.leaseId(), Duration.ZERO))).isFalse();
			Delivery again = takeOne(queue);
			assertThat(again.payload().asString()).isEqualTo("a");
			assertThat(again.attempt()).isEqualTo(2);
		}

		@Test
		void aDelayedNackReturnsTheJobToTheHeadWhenDue() {
			accept(queue, "a");
			accept(queue, "b");
			done(queue.nack(takeOne(queue).leaseId(), Duration.ofSeconds(10)));
			QueueSnapshot state = snapshot(queue);
			assertThat(state.delayed()).isEqualTo(1);
			assertThat(state.size()).isEqualTo(1);
			assertThat(state.unfinished()).isEqualTo(2);
			accept(queue, "c");
			time.advance(Duration.ofSeconds(10));
			assertThat(drainReady(queue)).containsExactly("a", "b", "c");
		}

		@Test
		void delayedJobsTakeRoom() {
			fill(queue, 2);
			done(queue.nack(takeOne(queue).leaseId(), Duration.ofSeconds(10)));
			accept(queue, "3");
			assertThat(done(put(queue, "4", Duration.ZERO))).isInstanceOf(PutOutcome.Full.class);
		}

		@Test
		void aDelayedJobGoesToAParkedTakeWhenDue() {
			accept(queue, "a");
			done(queue.nack(takeOne(queue).leaseId(), Duration.ofSeconds(10)));
			CompletableFuture<TakeOutcome> parked = take(queue, Duration.ofSeconds(20));
			time.advance(Duration.ofSeconds(10));
			assertThat(payloads(delivered(parked))).containsExactly("a");
		}

		@Test
		void requeuedJobsMayTakeTheQueueAboveCapacity() {
			JobQueue two = queue("two", 2);
			accept(two, "a");
			accept(two, "b");
			Delivery a = takeOne(two);
			accept(two, "c");
			done(two.nack(a.leaseId(), Duration.ZERO));
			assertThat(snapshot(two).size()).isEqualTo(3);
			CompletableFuture<PutOutcome> parked = put(two, "d", WAIT);
			takeOne(two);
			assertParked(parked);
			takeOne(two);
			assertThat(done(parked)).isInstanceOf(PutOutcome.Accepted.class);
		}

	}

	@Nested
	class BatchPuts {

		private static List<NewJob> jobs(String... payloads) {
			return java.util.Arrays.stream(payloads).map((payload) -> NewJob.of(Payload.of(payload))).toList();
		}

		private static PutOutcome.AcceptedAll acceptedAll(CompletableFuture<PutOutcome> put) {
			PutOutcome outcome = done(put);
			assertThat(outcome).isInstanceOf(PutOutcome.AcceptedAll.class);
			return (PutOutcome.AcceptedAll) outcome;
		}

		@Test
		void aBatchIsAcceptedWholeAndInOrder() {
			PutOutcome.AcceptedAll all = acceptedAll(queue.putAll(jobs("a", "b", "c"), Duration.ZERO));
			assertThat(all.jobs()).hasSize(3).noneMatch(PutOutcome.Accepted::duplicate);
			assertThat(all.jobs().stream().map(PutOutcome.Accepted::jobId).distinct()).hasSize(3);
			assertThat(all.jobs()).allMatch((job) -> job.enqueuedAt().equals(time.now()));
			assertThat(done(queue.job(all.jobs().get(1).jobId())).orElseThrow().payload().asString()).isEqualTo("b");
			assertThat(events.count("q", "enqueued")).isEqualTo(3);
			assertThat(drainReady(queue)).containsExactly("a", "b", "c");
		}

		@Test
		void aBatchWithoutRoomForAllOfItIsRefusedWholeOrWaitsForRoom() {
			accept(queue, "1");
			assertThat(done(queue.putAll(jobs("a", "b", "c"), Duration.ZERO))).as("it fits the capacity, not the room")
				.isEqualTo(new PutOutcome.Full(false));
			assertThat(snapshot(queue).size()).as("nothing of it enqueued").isEqualTo(1);
			accept(queue, "2");
			CompletableFuture<PutOutcome> parked = queue.putAll(jobs("a", "b"), WAIT);
			assertParked(parked);
			assertThat(snapshot(queue).waitingPutters()).isEqualTo(1);
			done(queue.ack(takeOne(queue).leaseId()));
			assertThat(acceptedAll(parked).jobs()).hasSize(2);
			assertThat(drainReady(queue)).containsExactly("2", "a", "b");
		}

		@Test
		void aWaitThatElapsesLeavesNothingOfTheBatch() {
			fill(queue, 2);
			CompletableFuture<PutOutcome> parked = queue.putAll(jobs("a", "b"), Duration.ofSeconds(1));
			time.advance(Duration.ofSeconds(1));
			assertThat(done(parked)).isEqualTo(new PutOutcome.Full(false));
			assertThat(drainReady(queue)).containsExactly("1", "2");
		}

		@Test
		void aParkedBatchKeepsItsPlaceInTheLineOfPuts() {
			fill(queue, 3);
			CompletableFuture<PutOutcome> first = put(queue, "first", WAIT);
			CompletableFuture<PutOutcome> batch = queue.putAll(jobs("a", "b"), WAIT);
			CompletableFuture<PutOutcome> last = put(queue, "last", WAIT);
			done(queue.ack(takeOne(queue).leaseId()));
			assertThat(done(first)).isInstanceOf(PutOutcome.Accepted.class);
			done(queue.ack(takeOne(queue).leaseId()));
			assertParked(batch);
			assertParked(last);
			assertThat(snapshot(queue).size()).as("the single put behind the batch does not pass it").isEqualTo(2);
			done(queue.ack(takeOne(queue).leaseId()));
			assertThat(acceptedAll(batch).jobs()).hasSize(2);
			assertParked(last);
			done(queue.ack(takeOne(queue).leaseId()));
			assertThat(done(last)).isInstanceOf(PutOutcome.Accepted.class);
			assertThat(drainReady(queue)).containsExactly("a", "b", "last");
		}

		@Test
		void aBatchLargerThanTheCapacityIsRefusedWhenTriedAndHoldsUpNothing() {
			JobQueue empty = queue("empty", 3);
			assertThat(done(empty.putAll(jobs("a", "b", "c", "d"), WAIT))).as("tried at once")
				.isEqualTo(new PutOutcome.Full(true));
			assertThat(snapshot(empty).size()).isZero();
			fill(queue, 3);
			CompletableFuture<PutOutcome> single = put(queue, "single", WAIT);
			CompletableFuture<PutOutcome> batch = queue.putAll(jobs("a", "b", "c", "d"), WAIT);
			CompletableFuture<PutOutcome> last = put(queue, "last", WAIT);
			done(queue.ack(takeOne(queue).leaseId()));
			assertThat(done(single)).isInstanceOf(PutOutcome.Accepted.class);
			assertThat(done(batch)).as("tried when its turn came").isEqualTo(new PutOutcome.Full(true));
			done(queue.ack(takeOne(queue).leaseId()));
			assertThat(done(last)).isInstanceOf(PutOutcome.Accepted.class);
		}

		@Test
		void aClosedQueueRefusesABatchAndAnswersAParkedOne() {
			fill(queue, 2);
			CompletableFuture<PutOutcome> parked = queue.putAll(jobs("a", "b"), WAIT);
			done(queue.close(CloseMode.GRACEFUL));
			assertThat(done(parked)).isInstanceOf(PutOutcome.Closed.class);
			assertThat(done(queue.putAll(jobs("c"), WAIT))).isInstanceOf(PutOutcome.Closed.class);
			assertThat(drainReady(queue)).containsExactly("1", "2");
		}

		@Test
		void repeatedKeysCreateNothingInsideABatchOrAcrossPuts() {
			PutOutcome.Accepted original = (PutOutcome.Accepted) done(
					queue.put(Payload.of("original"), PutOptions.noWait().withIdempotencyKey("k1")));
			List<NewJob> batch = List.of(NewJob.of(Payload.of("again")).withIdempotencyKey("k1"),
					NewJob.of(Payload.of("new")).withIdempotencyKey("k2"),
					NewJob.of(Payload.of("twin")).withIdempotencyKey("k2"), NewJob.of(Payload.of("plain")));
			// room for the two new jobs only (capacity 3): the repeats take none
			List<PutOutcome.Accepted> outcomes = acceptedAll(queue.putAll(batch, Duration.ZERO)).jobs();
			assertThat(outcomes.get(0))
				.isEqualTo(new PutOutcome.Accepted(original.jobId(), original.enqueuedAt(), true));
			assertThat(outcomes.get(1).duplicate()).isFalse();
			assertThat(outcomes.get(2).jobId()).isEqualTo(outcomes.get(1).jobId());
			assertThat(outcomes.get(2).duplicate()).isTrue();
			assertThat(outcomes.get(3).duplicate()).isFalse();
			assertThat(snapshot(queue).size()).isEqualTo(3);
			assertThat(drainReady(queue)).containsExactly("original", "new", "plain");
			// a batch that only repeats keys answers at once, even on a closed queue
			done(queue.close(CloseMode.GRACEFUL));
			assertThat(acceptedAll(queue.putAll(batch.subList(0, 2), Duration.ZERO)).jobs())
				.allMatch(PutOutcome.Accepted::duplicate);
		}

		@Test
		void aBatchsDelayedJobsTakeRoomAndJoinTheTailWhenDue() {
			List<NewJob> batch = List.of(NewJob.of(Payload.of("later")).withDelay(Duration.ofSeconds(10)),
					NewJob.of(Payload.of("now")));
			acceptedAll(queue.putAll(batch, Duration.ZERO));
			QueueSnapshot state = snapshot(queue);
			assertThat(state.delayed()).isEqualTo(1);
			assertThat(state.size()).isEqualTo(1);
			accept(queue, "third");
			assertThat(done(queue.putAll(jobs("x"), Duration.ZERO))).isInstanceOf(PutOutcome.Full.class);
			time.advance(Duration.ofSeconds(10));
			assertThat(drainReady(queue)).containsExactly("now", "third", "later");
		}

		@Test
		void parkedTakesGetABatchsJobsOldestFirst() {
			CompletableFuture<TakeOutcome> two = queue.take(TakeOptions.leased(WAIT).withMax(2));
			CompletableFuture<TakeOutcome> one = take(queue, WAIT);
			acceptedAll(queue.putAll(jobs("a", "b", "c"), Duration.ZERO));
			assertThat(payloads(delivered(two))).containsExactly("a", "b");
			assertThat(payloads(delivered(one))).containsExactly("c");
		}

		@Test
		void aWithdrawnBatchLeavesNothing() {
			fill(queue, 3);
			CompletableFuture<PutOutcome> parked = queue.putAll(jobs("a", "b"), WAIT);
			assertThat(parked.cancel(false)).isTrue();
			done(queue.ack(takeOne(queue).leaseId()));
			done(queue.ack(takeOne(queue).leaseId()));
			assertThat(drainReady(queue)).containsExactly("3");
			assertThat(snapshot(queue).waitingPutters()).isZero();
		}

		@Test
		void aBatchChecksItsArguments() {
			assertThatIllegalArgumentException().isThrownBy(() -> queue.putAll(List.of(), WAIT));
			assertThatIllegalArgumentException().isThrownBy(() -> queue.putAll(jobs("a"), Duration.ofSeconds(-1)));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> NewJob.of(Payload.of("a")).withIdempotencyKey("k".repeat(257)));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> NewJob.of(Payload.of("a")).withDelay(Duration.ofSeconds(-1)));
			assertThatThrownBy(() -> queue.putAll(null, WAIT)).isInstanceOf(NullPointerException.class);
		}

	}

	@Nested
	class BatchSettle {

		@Test
		void aBatchSettlesEachLeaseInOrderWithAnOutcomeEach() {
			JobQueue big = queue("big", 10);
			for (String payload : List.of("a", "b", "c", "d")) {
				accept(big, payload);
			}
			List<Delivery> four = delivered(big.take(TakeOptions.leased(Duration.ZERO).withMax(4)));
			List<Settled> outcomes = done(big
				.settle(List.of(Settle.ack(four.get(0).leaseId()), Settle.nack(four.get(1).leaseId(), Duration.ZERO),
						Settle.extend(four.get(2).leaseId(), Duration.ofSeconds(5)),
						Settle.release(four.get(3).leaseId()), Settle.ack("nope"))));
			assertThat(outcomes).containsExactly(Settled.DONE, Settled.DONE,
					new Settled(true, time.now().plusSeconds(5)), Settled.DONE, Settled.NOT_HELD);
			assertThat(events.count("big", "acked")).isEqualTo(1);
			assertThat(events.count("big", "nacked")).isEqualTo(1);
			assertThat(events.count("big", "released")).isEqualTo(1);
			// nacked b went to the head, then released d ahead of it
			List<Delivery> again = delivered(big.take(TakeOptions.leased(Duration.ZERO).withMax(10)));
			assertThat(payloads(again)).containsExactly("d", "b");
			assertThat(again.get(0).attempt()).as("a release does not count the attempt").isEqualTo(1);
			assertThat(again.get(1).attempt()).isEqualTo(2);
			time.advance(Duration.ofSeconds(5));
			assertThat(snapshot(big).inFlight()).as("c's lease ran out after its extension").isEqualTo(2);
			assertThat(snapshot(big).size()).isEqualTo(1);
		}

		@Test
		void aLeaseNamedTwiceIsSettledOnceAndAnEmptyBatchDoesNothing() {
			accept(queue, "a");
			Delivery a = takeOne(queue);
			assertThat(done(queue.settle(List.of(Settle.extend(a.leaseId(), null), Settle.ack(a.leaseId()),
					Settle.ack(a.leaseId()), Settle.nack(a.leaseId(), Duration.ZERO)))))
				.containsExactly(new Settled(true, time.now().plus(LEASE)), Settled.DONE, Settled.NOT_HELD,
						Settled.NOT_HELD);
			assertThat(snapshot(queue).unfinished()).isZero();
			assertThat(done(queue.settle(List.of()))).isEmpty();
		}

		@Test
		void anExpiredLeaseInABatchIsNotHeldAndTheOthersAreSettled() {
			accept(queue, "short");
			accept(queue, "long");
			Delivery brief = delivered(queue.take(TakeOptions.leased(Duration.ZERO).withLease(Duration.ofSeconds(1))))
				.getFirst();
			Delivery held = takeOne(queue);
			time.advance(Duration.ofSeconds(1));
			assertThat(done(queue.settle(List.of(Settle.ack(brief.leaseId()), Settle.ack(held.leaseId())))))
				.containsExactly(Settled.NOT_HELD, Settled.DONE);
			Delivery again = takeOne(queue);
			assertThat(again.payload().asString()).isEqualTo("short");
			assertThat(again.attempt()).isEqualTo(2);
		}

		@Test
		void jobsABatchGivesBackReachParkedTakesAndLastAttemptsAreDeadLettered() {
			accept(queue, "a");
			accept(queue, "b");
			Delivery a = takeOne(queue);
			Delivery b = takeOne(queue);
			// b on its last attempt
			for (int attempt = 2; attempt <= 3; attempt++) {
				done(queue.nack(b.leaseId(), Duration.ZERO));
				b = takeOne(queue);
			}
			assertThat(b.attempt()).isEqualTo(3);
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			assertParked(parked);
			assertThat(done(queue
				.settle(List.of(Settle.nack(a.leaseId(), Duration.ZERO), Settle.nack(b.leaseId(), Duration.ZERO)))))
				.containsExactly(Settled.DONE, Settled.DONE);
			assertThat(payloads(delivered(parked))).containsExactly("a");
			assertThat(events.count("q", "deadlettered max-attempts")).isEqualTo(1);
			assertThat(snapshot(queue).unfinished()).isEqualTo(1);
		}

		@Test
		void aSettlementChecksItsArguments() {
			assertThatIllegalArgumentException().isThrownBy(() -> Settle.nack("l", Duration.ofSeconds(-1)));
			assertThatIllegalArgumentException().isThrownBy(() -> Settle.extend("l", Duration.ZERO));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new Settle("l", Settle.Action.ACK, Duration.ofSeconds(1)));
			assertThatThrownBy(() -> Settle.ack(null)).isInstanceOf(NullPointerException.class);
			assertThatThrownBy(() -> queue.settle(null)).isInstanceOf(NullPointerException.class);
		}

	}

	@Nested
	class DelayedPuts {

		private CompletableFuture<PutOutcome> putDelayed(JobQueue queue, String payload, Duration delay,
				Duration wait) {
			return queue.put(Payload.of(payload), PutOptions.waiting(wait).withDelay(delay));
		}

		@Test
		void aDelayedJobIsNotReadyUntilDueAndTakesRoomMeanwhile() {
			PutOutcome outcome = done(putDelayed(queue, "later", Duration.ofSeconds(10), Duration.ZERO));
			assertThat(outcome).isInstanceOf(PutOutcome.Accepted.class);
			QueueSnapshot state = snapshot(queue);
			assertThat(state.delayed()).isEqualTo(1);
			assertThat(state.size()).isZero();
			assertThat(state.unfinished()).isEqualTo(1);
			assertThat(done(take(queue, Duration.ZERO))).isInstanceOf(TakeOutcome.Empty.class);
			time.advance(Duration.ofSeconds(9));
			assertThat(done(take(queue, Duration.ZERO))).isInstanceOf(TakeOutcome.Empty.class);
			time.advance(Duration.ofSeconds(1));
			Delivery job = takeOne(queue);
			assertThat(job.payload().asString()).isEqualTo("later");
			assertThat(job.jobId()).isEqualTo(((PutOutcome.Accepted) outcome).jobId());
			assertThat(job.attempt()).isEqualTo(1);
		}

		@Test
		void dueJobsJoinTheTailInTheOrderTheyFallDue() {
			accept(queue, "a");
			done(putDelayed(queue, "late", Duration.ofSeconds(20), Duration.ZERO));
			done(putDelayed(queue, "soon", Duration.ofSeconds(10), Duration.ZERO));
			time.advance(Duration.ofSeconds(10));
			assertThat(snapshot(queue).size()).isEqualTo(2);
			time.advance(Duration.ofSeconds(10));
			assertThat(drainReady(queue)).containsExactly("a", "soon", "late");
		}

		@Test
		void aDueDelayedPutQueuesBehindJobsPutBeforeItFellDue() {
			done(putDelayed(queue, "delayed", Duration.ofSeconds(10), Duration.ZERO));
			accept(queue, "b");
			time.advance(Duration.ofSeconds(10));
			accept(queue, "c");
			assertThat(drainReady(queue)).containsExactly("b", "delayed", "c");
		}

		@Test
		void delayedJobsFillTheQueueAndAParkedTakeDoesNotMakeRoomForOne() {
			for (int i = 1; i <= 3; i++) {
				done(putDelayed(queue, "d" + i, Duration.ofSeconds(10), Duration.ZERO));
			}
			assertThat(done(putDelayed(queue, "no room", Duration.ofSeconds(10), Duration.ZERO)))
				.isInstanceOf(PutOutcome.Full.class);
			assertThat(done(put(queue, "no room", Duration.ZERO))).isInstanceOf(PutOutcome.Full.class);
			CompletableFuture<TakeOutcome> taker = take(queue, Duration.ofSeconds(30));
			CompletableFuture<PutOutcome> parked = putDelayed(queue, "d4", Duration.ofSeconds(10),
					Duration.ofSeconds(30));
			assertParked(taker);
			assertParked(parked);
			time.advance(Duration.ofSeconds(10));
			// the due jobs go to the parked take, which frees room for the parked put
			assertThat(payloads(delivered(taker))).containsExactly("d1");
			assertThat(done(parked)).isInstanceOf(PutOutcome.Accepted.class);
			assertThat(snapshot(queue).delayed()).isEqualTo(1);
			time.advance(Duration.ofSeconds(10));
			assertThat(drainReady(queue)).containsExactly("d2", "d3", "d4");
		}

		@Test
		void aDelayedJobThatFailsComesBackToTheHead() {
			done(putDelayed(queue, "delayed", Duration.ofSeconds(10), Duration.ZERO));
			time.advance(Duration.ofSeconds(10));
			Delivery first = takeOne(queue);
			accept(queue, "b");
			done(queue.nack(first.leaseId(), Duration.ofSeconds(5)));
			accept(queue, "c");
			time.advance(Duration.ofSeconds(5));
			assertThat(drainReady(queue)).containsExactly("delayed", "b", "c");
		}

		@Test
		void anImmediateClosePurgesDelayedJobsAndAGracefulOneDeliversThem() {
			JobQueue graceful = queue("graceful", 3);
			done(putDelayed(graceful, "g", Duration.ofSeconds(10), Duration.ZERO));
			done(graceful.close(CloseMode.GRACEFUL));
			CompletableFuture<TakeOutcome> taker = take(graceful, Duration.ofSeconds(30));
			assertParked(taker);
			time.advance(Duration.ofSeconds(10));
			Delivery g = delivered(taker).getFirst();
			done(graceful.ack(g.leaseId()));
			assertThat(done(take(graceful, Duration.ZERO))).isInstanceOf(TakeOutcome.Drained.class);

			done(putDelayed(queue, "i", Duration.ofSeconds(10), Duration.ZERO));
			assertThat(done(queue.close(CloseMode.IMMEDIATE))).isEqualTo(1);
			Delivery dead = takeOne(registry.require("q.dead"));
			assertThat(dead.payload().asString()).isEqualTo("i");
			assertThat(dead.deadLetter().reason()).isEqualTo(DeadLetter.Reason.PURGED);
		}

		@Test
		void aRepeatedKeyOfADelayedPutCreatesNothing() {
			PutOptions keyed = PutOptions.noWait().withIdempotencyKey("k").withDelay(Duration.ofSeconds(10));
			PutOutcome.Accepted first = (PutOutcome.Accepted) done(queue.put(Payload.of("once"), keyed));
			PutOutcome.Accepted again = (PutOutcome.Accepted) done(queue.put(Payload.of("once"), keyed));
			assertThat(again.duplicate()).isTrue();
			assertThat(again.jobId()).isEqualTo(first.jobId());
			assertThat(snapshot(queue).delayed()).isEqualTo(1);
		}

	}

	@Nested
	class Pause {

		@Test
		void aPausedQueueAcceptsPutsButDeliversNothingUntilResumed() {
			assertThat(done(queue.pause())).isTrue();
			assertThat(done(queue.pause())).as("already paused").isFalse();
			accept(queue, "a");
			assertThat(done(take(queue, Duration.ZERO))).isInstanceOf(TakeOutcome.Empty.class);
			QueueSnapshot state = snapshot(queue);
			assertThat(state.paused()).isTrue();
			assertThat(state.size()).isEqualTo(1);
			assertThat(done(queue.resume())).isTrue();
			assertThat(done(queue.resume())).as("already running").isFalse();
			assertThat(snapshot(queue).paused()).isFalse();
			assertThat(takeOne(queue).payload().asString()).isEqualTo("a");
		}

		@Test
		void parkedTakesWaitThroughAPauseAndAreServedOldestFirstOnResume() {
			done(queue.pause());
			CompletableFuture<TakeOutcome> first = take(queue, WAIT);
			CompletableFuture<TakeOutcome> second = take(queue, WAIT);
			accept(queue, "a");
			accept(queue, "b");
			assertParked(first);
			assertParked(second);
			done(queue.resume());
			assertThat(payloads(delivered(first))).containsExactly("a");
			assertThat(payloads(delivered(second))).containsExactly("b");
		}

		@Test
		void aTakeWhoseWaitElapsesWhilePausedIsEmpty() {
			accept(queue, "a");
			done(queue.pause());
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			assertParked(parked);
			time.advance(WAIT);
			assertThat(done(parked)).isInstanceOf(TakeOutcome.Empty.class);
			assertThat(snapshot(queue).size()).isEqualTo(1);
		}

		@Test
		void leasesAreSettledAndExpireWhilePaused() {
			accept(queue, "a");
			accept(queue, "b");
			Delivery a = takeOne(queue);
			Delivery b = takeOne(queue);
			done(queue.pause());
			assertThat(done(queue.ack(a.leaseId()))).isTrue();
			assertThat(done(queue.nack(b.leaseId(), Duration.ZERO))).isTrue();
			assertThat(snapshot(queue).size()).isEqualTo(1);
			assertThat(done(take(queue, Duration.ZERO))).isInstanceOf(TakeOutcome.Empty.class);
			done(queue.resume());
			Delivery again = takeOne(queue);
			assertThat(again.attempt()).isEqualTo(2);
			done(queue.pause());
			time.advance(LEASE);
			assertThat(snapshot(queue).size()).as("the lease ran out: back in the queue").isEqualTo(1);
		}

		@Test
		void aParkedTakeMakesNoRoomForAParkedPutWhilePaused() {
			fill(queue, 3);
			done(queue.pause());
			CompletableFuture<TakeOutcome> taker = take(queue, WAIT);
			CompletableFuture<PutOutcome> putter = put(queue, "4", WAIT);
			assertParked(taker);
			assertParked(putter);
			done(queue.resume());
			assertThat(payloads(delivered(taker))).containsExactly("1");
			assertThat(done(putter)).isInstanceOf(PutOutcome.Accepted.class);
			assertThat(drainReady(queue)).containsExactly("2", "3", "4");
		}

		@Test
		void aClosedPausedQueueHoldsItsJobsBackButAnswersDrainedOnceEmpty() {
			JobQueue empty = queue("empty", 3);
			done(empty.pause());
			done(empty.close(CloseMode.GRACEFUL));
			assertThat(done(take(empty, Duration.ZERO))).isInstanceOf(TakeOutcome.Drained.class);

			accept(queue, "a");
			done(queue.pause());
			done(queue.close(CloseMode.GRACEFUL));
			assertThat(done(take(queue, Duration.ZERO))).isInstanceOf(TakeOutcome.Empty.class);
			assertThat(snapshot(queue).paused()).isTrue();
			done(queue.resume());
			Delivery a = takeOne(queue);
			done(queue.ack(a.leaseId()));
			assertThat(done(take(queue, Duration.ZERO))).isInstanceOf(TakeOutcome.Drained.class);
		}

		@Test
		void aPausedQueueStaysPausedWhenReconfigured() {
			done(queue.pause());
			done(queue.configure(new QueueConfig(5, LEASE, 3, null)));
			assertThat(snapshot(queue).paused()).isTrue();
			assertThat(snapshot(queue).capacity()).isEqualTo(5);
		}

	}

	@Nested
	class JobLookup {

		private JobInfo find(JobQueue queue, String id) {
			return done(queue.job(id)).orElseThrow(() -> new AssertionError("job " + id + " not found"));
		}

		@Test
		void aJobIsFoundInEveryStateItPassesThroughAndNotOnceAcked() {
			PutOutcome.Accepted put = accept(queue, "{\"n\":1}");
			JobInfo ready = find(queue, put.jobId());
			assertThat(ready.state()).isEqualTo(JobInfo.State.READY);
			assertThat(ready.payload().asString()).isEqualTo("{\"n\":1}");
			assertThat(ready.attempt()).isZero();
			assertThat(ready.enqueuedAt()).isEqualTo(put.enqueuedAt());
			assertThat(ready.readyAt()).isNull();
			assertThat(ready.leaseExpiresAt()).isNull();

			Delivery taken = takeOne(queue);
			JobInfo leased = find(queue, put.jobId());
			assertThat(leased.state()).isEqualTo(JobInfo.State.LEASED);
			assertThat(leased.attempt()).isEqualTo(1);
			assertThat(leased.leaseExpiresAt()).isEqualTo(taken.leaseExpiresAt());

			done(queue.nack(taken.leaseId(), Duration.ofSeconds(10)));
			JobInfo delayed = find(queue, put.jobId());
			assertThat(delayed.state()).isEqualTo(JobInfo.State.DELAYED);
			assertThat(delayed.readyAt()).isEqualTo(time.now().plus(Duration.ofSeconds(10)));
			assertThat(delayed.leaseExpiresAt()).isNull();

			time.advance(Duration.ofSeconds(10));
			assertThat(find(queue, put.jobId()).state()).isEqualTo(JobInfo.State.READY);
			Delivery again = takeOne(queue);
			done(queue.release(again.leaseId()));
			assertThat(find(queue, put.jobId()).state()).as("released").isEqualTo(JobInfo.State.READY);
			Delivery last = takeOne(queue);
			time.advance(LEASE);
			assertThat(find(queue, put.jobId()).state()).as("its lease ran out").isEqualTo(JobInfo.State.READY);
			done(queue.ack(takeOne(queue).leaseId()));
			assertThat(done(queue.job(put.jobId()))).as("acked: gone").isEmpty();
			assertThat(done(queue.ack(last.leaseId()))).isFalse();
		}

		@Test
		void aDelayedPutIsFoundDelayedUntilDue() {
			PutOutcome.Accepted put = (PutOutcome.Accepted) done(
					queue.put(Payload.of("7"), PutOptions.noWait().withDelay(Duration.ofMinutes(1))));
			JobInfo job = find(queue, put.jobId());
			assertThat(job.state()).isEqualTo(JobInfo.State.DELAYED);
			assertThat(job.readyAt()).isEqualTo(time.now().plus(Duration.ofMinutes(1)));
		}

		@Test
		void aDeadLetteredJobIsFoundInTheDeadLetterQueueByTheSameId() {
			PutOutcome.Accepted put = accept(queue, "\"doomed\"");
			for (int attempt = 1; attempt <= 3; attempt++) {
				done(queue.nack(takeOne(queue).leaseId(), Duration.ZERO));
			}
			assertThat(done(queue.job(put.jobId()))).isEmpty();
			JobInfo dead = find(registry.require("q.dead"), put.jobId());
			assertThat(dead.state()).isEqualTo(JobInfo.State.READY);
			assertThat(dead.attempt()).isZero();
			assertThat(dead.payload().asString()).isEqualTo("\"doomed\"");
			assertThat(dead.deadLetter()).isEqualTo(new DeadLetter("q", DeadLetter.Reason.MAX_ATTEMPTS, 3));
		}

		@Test
		void jobsAreListedByStateOldestFirstInPagesThatHoldWhileTheQueueMoves() {
			JobQueue big = queue("big", 10);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				ids.add(accept(big, "{\"n\":" + i + "}").jobId());
			}
			// the first two go out and the first comes back at the head: queue order is
			// no
			// longer put order, listing order still is
			Delivery first = takeOne(big);
			Delivery second = takeOne(big);
			done(big.nack(first.leaseId(), Duration.ZERO));
			PutOutcome.Accepted later = (PutOutcome.Accepted) done(
					big.put(Payload.of("\"later\""), PutOptions.noWait().withDelay(Duration.ofMinutes(1))));

			List<JobInfo> page = done(big.jobs(JobInfo.State.READY, null, 3));
			assertThat(page).extracting(JobInfo::id).containsExactly(ids.get(0), ids.get(2), ids.get(3));
			assertThat(page.getFirst().attempt()).isEqualTo(1);
			assertThat(page.get(1).payload().asString()).isEqualTo("{\"n\":2}");
			// a job leaves between the pages: the next page starts after the cursor all
			// the same
			done(big.ack(takeOne(big).leaseId()));
			assertThat(done(big.jobs(JobInfo.State.READY, page.getLast().id(), 3))).extracting(JobInfo::id)
				.containsExactly(ids.get(4), ids.get(5));
			assertThat(done(big.jobs(JobInfo.State.READY, ids.get(5), 3))).isEmpty();

			List<JobInfo> leased = done(big.jobs(JobInfo.State.LEASED, null, 10));
			assertThat(leased).extracting(JobInfo::id).containsExactly(second.jobId());
			assertThat(leased.getFirst().leaseExpiresAt()).isEqualTo(second.leaseExpiresAt());
			List<JobInfo> delayed = done(big.jobs(JobInfo.State.DELAYED, null, 10));
			assertThat(delayed).extracting(JobInfo::id).containsExactly(later.jobId());
			assertThat(delayed.getFirst().readyAt()).isEqualTo(time.now().plus(Duration.ofMinutes(1)));
			assertThatIllegalArgumentException().isThrownBy(() -> big.jobs(JobInfo.State.READY, null, 0));
		}

		@Test
		void aLargeQueueIsListedWholeInPagesOfItsOldest() {
			JobQueue large = queue("large", 3000);
			List<String> ids = new ArrayList<>();
			for (int batch = 0; batch < 25; batch++) {
				List<NewJob> jobs = new ArrayList<>();
				for (int i = 0; i < 100; i++) {
					jobs.add(NewJob.of(Payload.of(Integer.toString(batch * 100 + i))));
				}
				PutOutcome.AcceptedAll all = (PutOutcome.AcceptedAll) done(large.putAll(jobs, Duration.ZERO));
				all.jobs().forEach((job) -> ids.add(job.jobId()));
			}
			// the oldest ten fail and go back to the head in reverse order: queue order
			// is no longer id order
			List<Delivery> failing = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				failing.add(takeOne(large));
			}
			failing.forEach((delivery) -> done(large.nack(delivery.leaseId(), Duration.ZERO)));
			List<String> listed = new ArrayList<>();
			String after = null;
			for (int pages = 0; pages < 10; pages++) {
				List<JobInfo> page = done(large.jobs(JobInfo.State.READY, after, 700));
				if (page.isEmpty()) {
					break;
				}
				page.forEach((job) -> listed.add(job.id()));
				after = page.getLast().id();
			}
			assertThat(listed).isEqualTo(ids.stream().sorted().toList());
			assertThat(done(large.jobs(JobInfo.State.READY, ids.get(2300), 5))).extracting(JobInfo::id)
				.isEqualTo(ids.stream().sorted().filter((id) -> id.compareTo(ids.get(2300)) > 0).limit(5).toList());
		}

		@Test
		void unknownAndAutoAckedJobsAreNotFound() {
			assertThat(done(queue.job("0193a5c2-7d1e-7c3b-9f2a-5b8e4d1c2a10"))).isEmpty();
			PutOutcome.Accepted put = accept(queue, "1");
			delivered(queue.take(TakeOptions.autoAcked(Duration.ZERO)));
			assertThat(done(queue.job(put.jobId()))).isEmpty();
		}

	}

	@Nested
	class Purge {

		@Test
		void aPurgeThrowsReadyAndDelayedJobsAwayAndLeavesLeasesAndTheQueueOpen() {
			accept(queue, "leased");
			Delivery leased = takeOne(queue);
			accept(queue, "ready");
			PutOutcome.Accepted delayed = (PutOutcome.Accepted) done(
					queue.put(Payload.of("delayed"), PutOptions.noWait().withDelay(Duration.ofMinutes(1))));
			assertThat(done(queue.purge())).isEqualTo(2);
			QueueSnapshot state = snapshot(queue);
			assertThat(state.size()).isZero();
			assertThat(state.delayed()).isZero();
			assertThat(state.inFlight()).isEqualTo(1);
			assertThat(state.closed()).isFalse();
			assertThat(done(queue.job(delayed.jobId()))).isEmpty();
			assertThat(events.count("q", "discarded 2")).isEqualTo(1);
			assertThat(done(queue.ack(leased.leaseId()))).isTrue();
			time.advance(Duration.ofMinutes(1));
			assertThat(done(take(queue, Duration.ZERO))).as("the delayed job is gone too")
				.isInstanceOf(TakeOutcome.Empty.class);
			accept(queue, "after");
			assertThat(drainReady(queue)).containsExactly("after");
			assertThat(registry.find("q.dead")).as("nothing dead-lettered").isEmpty();
		}

		@Test
		void aPurgeMakesRoomForParkedPutsAndAnEmptyQueuePurgesNothing() {
			fill(queue, 3);
			CompletableFuture<PutOutcome> parked = put(queue, "4", WAIT);
			assertParked(parked);
			assertThat(done(queue.purge())).isEqualTo(3);
			assertThat(done(parked)).isInstanceOf(PutOutcome.Accepted.class);
			assertThat(drainReady(queue)).containsExactly("4");
			assertThat(done(queue.purge())).isZero();
			assertThat(events.count("q", "discarded 0")).isZero();
		}

	}

	/**
	 * Whole-queue operations on more jobs than the Redis backend's scripts handle in one
	 * piece (1000): the pieces join up, and every job is accounted for once.
	 */
	@Nested
	class Thousands {

		private BigQueue big;

		@BeforeEach
		void fill() {
			this.big = bigQueue(JobQueueContractTest.this, "big");
		}

		@Test
		void aPurgeThrowsEveryWaitingJobAwayAndLeavesEveryLease() {
			assertThat(done(this.big.queue().purge())).isEqualTo(this.big.waiting().size());
			QueueSnapshot state = snapshot(this.big.queue());
			assertThat(state.size()).isZero();
			assertThat(state.delayed()).isZero();
			assertThat(state.inFlight()).isEqualTo(this.big.leased().size());
			assertThat(events.count("big", "discarded " + this.big.waiting().size())).isEqualTo(1);
			for (String id : this.big.samples()) {
				assertThat(done(this.big.queue().job(id))).as(id).isEmpty();
			}
			assertThat(done(this.big.queue().job(this.big.leased().getLast().jobId()))).isPresent();
			for (Delivery leased : this.big.leased()) {
				assertThat(done(this.big.queue().ack(leased.leaseId()))).isTrue();
			}
			assertThat(snapshot(this.big.queue()).unfinished()).isZero();
			assertThat(registry.find("big.dead")).as("nothing dead-lettered").isEmpty();
		}

		@Test
		void anImmediateCloseDeadLettersEveryWaitingJobOnce() {
			assertThat(done(this.big.queue().close(CloseMode.IMMEDIATE))).isEqualTo(this.big.waiting().size());
			assertThat(snapshot(this.big.queue()).inFlight()).isEqualTo(this.big.leased().size());
			assertThat(drainIds(registry.require("big.dead"))).containsExactlyInAnyOrderElementsOf(this.big.waiting());
		}

		@Test
		void aDeleteDeadLettersEveryJobLeasedOnesIncludedOnce() {
			assertThat(registry.delete("big")).isTrue();
			List<String> all = new ArrayList<>(this.big.waiting());
			this.big.leased().forEach((leased) -> all.add(leased.jobId()));
			assertThat(drainIds(registry.require("big.dead"))).containsExactlyInAnyOrderElementsOf(all);
		}

		@Test
		void aDeleteWithDiscardThrowsEveryJobAway() {
			assertThat(registry.delete("big", true)).isTrue();
			assertThat(registry.find("big.dead")).isEmpty();
			JobQueue again = registry.obtain("big");
			List<String> ids = new ArrayList<>(this.big.samples());
			ids.add(this.big.leased().getLast().jobId());
			for (String id : ids) {
				assertThat(done(again.job(id))).as(id).isEmpty();
			}
			assertThat(snapshot(again).unfinished()).isZero();
		}

		/** Takes and acks every job ready now, returning their ids, each taken once. */
		private List<String> drainIds(JobQueue queue) {
			List<String> ids = new ArrayList<>();
			for (;;) {
				TakeOutcome outcome = done(
						queue.take(TakeOptions.leased(Duration.ZERO).withMax(TakeOptions.MAX_BATCH)));
				if (!(outcome instanceof TakeOutcome.Delivered delivered)) {
					return ids;
				}
				for (Delivery delivery : delivered.deliveries()) {
					assertThat(delivery.deadLetter().reason()).isEqualTo(DeadLetter.Reason.PURGED);
					ids.add(delivery.jobId());
					assertThat(done(queue.ack(delivery.leaseId()))).isTrue();
				}
			}
		}

	}

	/**
	 * A queue of thousands of jobs: 2,345 ready and 1,234 delayed ({@code waiting}, in
	 * that order), and 1,100 leased ones.
	 *
	 * @param queue the queue
	 * @param waiting the ids of the ready and delayed jobs
	 * @param leased the leased jobs
	 */
	protected record BigQueue(JobQueue queue, List<String> waiting, List<Delivery> leased) {

		/** Ids of waiting jobs at the edges of 1000-job pieces. */
		public List<String> samples() {
			List<String> ids = new ArrayList<>();
			for (int i : new int[] { 0, 999, 1000, 2344, 2345, 3578 }) {
				ids.add(this.waiting.get(i));
			}
			return ids;
		}

	}

	/** Creates queue {@code name} as a {@link BigQueue}. */
	protected static BigQueue bigQueue(JobQueueContractTest test, String name) {
		JobQueue queue = test.queue(name, 10_000);
		List<String> leasedIds = putMany(queue, 1100, Duration.ZERO);
		List<Delivery> leased = new ArrayList<>();
		while (leased.size() < leasedIds.size()) {
			leased.addAll(delivered(queue.take(TakeOptions.leased(Duration.ZERO).withMax(TakeOptions.MAX_BATCH))));
		}
		assertThat(leased).extracting(Delivery::jobId).containsExactlyElementsOf(leasedIds);
		List<String> waiting = new ArrayList<>(putMany(queue, 2345, Duration.ZERO));
		waiting.addAll(putMany(queue, 1234, Duration.ofMinutes(5)));
		return new BigQueue(queue, waiting, leased);
	}

	/** Puts n jobs with the given delay, in batches of 500; returns their ids. */
	private static List<String> putMany(JobQueue queue, int n, Duration delay) {
		List<String> ids = new ArrayList<>();
		while (ids.size() < n) {
			List<NewJob> batch = new ArrayList<>();
			for (int i = 0; i < 500 && ids.size() + i < n; i++) {
				batch.add(NewJob.of(Payload.of(Integer.toString(ids.size() + i))).withDelay(delay));
			}
			PutOutcome outcome = done(queue.putAll(batch, Duration.ZERO));
			assertThat(outcome).isInstanceOf(PutOutcome.AcceptedAll.class);
			((PutOutcome.AcceptedAll) outcome).jobs().forEach((job) -> ids.add(job.jobId()));
		}
		return ids;
	}

	@Nested
	class Redrives {

		/**
		 * Puts {@code payloads} on {@code queue} and fails each until it is
		 * dead-lettered.
		 */
		private List<String> deadLetter(JobQueue queue, String... payloads) {
			List<String> ids = new ArrayList<>();
			for (String payload : payloads) {
				ids.add(accept(queue, payload).jobId());
			}
			for (int attempt = 1; attempt <= 3; attempt++) {
				for (int i = 0; i < payloads.length; i++) {
					done(queue.nack(takeOne(queue).leaseId(), Duration.ZERO));
				}
			}
			assertThat(snapshot(queue).unfinished()).isZero();
			return ids;
		}

		@Test
		void redrivenJobsGoHomeToTheTailKeepingTheirIdsAtAttemptZero() {
			List<String> ids = deadLetter(queue, "a", "b");
			accept(queue, "c");
			Redriven outcome = done(registry.redrive("q.dead", Redrive.all()));
			assertThat(outcome.moved()).isEqualTo(java.util.Map.of("q", 2));
			assertThat(outcome.left()).isZero();
			assertThat(snapshot(registry.require("q.dead")).unfinished()).isZero();
			JobInfo a = done(queue.job(ids.get(0))).orElseThrow();
			assertThat(a.attempt()).isZero();
			assertThat(a.deadLetter()).isNull();
			Delivery first = takeOne(queue);
			assertThat(first.payload().asString()).isEqualTo("c");
			Delivery again = takeOne(queue);
			assertThat(again.jobId()).isEqualTo(ids.get(0));
			assertThat(again.attempt()).isEqualTo(1);
			assertThat(again.deadLetter()).isNull();
			assertThat(takeOne(queue).jobId()).isEqualTo(ids.get(1));
		}

		@Test
		void aRedriveMovesOnlyWhatTheQueueHasRoomForAndSaysWhatItLeft() {
			deadLetter(queue, "a", "b", "c");
			fill(queue, 2);
			Redriven outcome = done(registry.redrive("q.dead", Redrive.all()));
			assertThat(outcome.moved()).isEqualTo(java.util.Map.of("q", 1));
			assertThat(outcome.left()).isEqualTo(2);
			assertThat(snapshot(registry.require("q.dead")).size()).isEqualTo(2);
			assertThat(done(registry.redrive("q.dead", Redrive.all())).left()).as("no room").isEqualTo(2);
			assertThat(drainReady(queue)).containsExactly("1", "2", "a");
			Redriven rest = done(registry.redrive("q.dead", Redrive.all()));
			assertThat(rest.total()).isEqualTo(2);
			assertThat(drainReady(queue)).containsExactly("b", "c");
		}

		@Test
		void aRedriveTakesTheFirstNOrTheJobsNamed() {
			List<String> ids = deadLetter(queue, "a", "b", "c");
			assertThat(done(registry.redrive("q.dead", Redrive.first(1))).total()).isEqualTo(1);
			assertThat(done(registry.redrive("q.dead", Redrive.ids(java.util.Set.of(ids.get(2), "unknown")))).total())
				.isEqualTo(1);
			assertThat(drainReady(queue)).containsExactly("a", "c");
			assertThat(snapshot(registry.require("q.dead")).size()).isEqualTo(1);
		}

		@Test
		void aRedriveMayTakeOnlyTheJobsOfSomeHomes() {
			JobQueue other = queue("other", new QueueConfig(3, LEASE, 3, "q.dead"));
			List<String> ours = deadLetter(queue, "a", "b");
			List<String> theirs = deadLetter(other, "x");
			Redriven outcome = done(registry.redrive("q.dead", Redrive.all().onlyFrom(java.util.Set.of("other"))));
			assertThat(outcome.moved()).isEqualTo(java.util.Map.of("other", 1));
			assertThat(outcome.jobIds()).isEqualTo(theirs);
			assertThat(outcome.left()).as("q's jobs were not selected").isZero();
			assertThat(done(registry.redrive("q.dead",
					Redrive.ids(java.util.Set.of(ours.get(1))).onlyFrom(java.util.Set.of("other"))))
				.total()).as("named, but from another home").isZero();
			assertThat(snapshot(registry.require("q.dead")).size()).isEqualTo(2);
			assertThat(done(registry.redrive("q.dead",
					Redrive.ids(java.util.Set.of(ours.get(1))).onlyFrom(java.util.Set.of("q"))))
				.jobIds()).as("named, and from that home").isEqualTo(List.of(ours.get(1)));
			assertThat(done(registry.redrive("q.dead", Redrive.first(1).onlyFrom(java.util.Set.of("q", "nowhere"))))
				.jobIds()).isEqualTo(List.of(ours.get(0)));
			assertThat(drainReady(other)).containsExactly("x");
			assertThat(drainReady(queue)).containsExactly("b", "a");
		}

		@Test
		void aRedriveFindsTheJobsNamedDeepInALargeDeadLetterQueue() {
			JobQueue dead = queue("q.dead", 2000);
			for (int i = 0; i < 1500; i++) {
				accept(dead, "put here directly " + i);
			}
			List<String> ids = deadLetter(queue, "a", "b");
			Redriven outcome = done(registry.redrive("q.dead", Redrive.ids(java.util.Set.of(ids.get(1)))));
			assertThat(outcome.jobIds()).isEqualTo(List.of(ids.get(1)));
			assertThat(done(registry.redrive("q.dead", Redrive.first(5))).jobIds()).isEqualTo(List.of(ids.get(0)));
			assertThat(snapshot(dead).size()).isEqualTo(1500);
		}

		@Test
		void jobsWithoutAnOriginOrWhoseQueueIsGoneStay() {
			JobQueue doomed = queue("doomed", 3);
			deadLetter(doomed, "x");
			registry.delete("doomed");
			accept(registry.require("doomed.dead"), "put here directly");
			Redriven outcome = done(registry.redrive("doomed.dead", Redrive.all()));
			assertThat(outcome.total()).isZero();
			assertThat(outcome.left()).as("the one whose queue is gone; the other has no origin").isEqualTo(1);
			assertThat(snapshot(registry.require("doomed.dead")).size()).isEqualTo(2);
			deadLetter(queue, "y");
			done(queue.close(CloseMode.GRACEFUL));
			assertThat(done(registry.redrive("q.dead", Redrive.all())).left()).as("its queue is closed").isEqualTo(1);
			assertThatThrownBy(() -> registry.redrive("nowhere", Redrive.all()))
				.isInstanceOf(QueueNotFoundException.class);
		}

	}

	@Nested
	class DeadLetters {

		@Test
		void aJobNackedOnItsLastAttemptGoesToTheDeadLetterQueue() {
			PutOutcome.Accepted accepted = accept(queue, "poison");
			for (int attempt = 1; attempt <= 3; attempt++) {
				Delivery delivery = takeOne(queue);
				assertThat(delivery.attempt()).isEqualTo(attempt);
				done(queue.nack(delivery.leaseId(), Duration.ZERO));
			}
			assertThat(snapshot(queue).unfinished()).isZero();
			JobQueue dead = registry.require("q.dead");
			Delivery corpse = takeOne(dead);
			assertThat(corpse.jobId()).isEqualTo(accepted.jobId());
			assertThat(corpse.payload().asString()).isEqualTo("poison");
			assertThat(corpse.attempt()).isEqualTo(1);
			assertThat(corpse.deadLetter()).isEqualTo(new DeadLetter("q", DeadLetter.Reason.MAX_ATTEMPTS, 3));
			assertThat(events.count("q", "deadlettered max-attempts")).isEqualTo(1);
		}

		@Test
		void aLeaseExpiringOnTheLastAttemptDeadLettersTheJob() {
			accept(queue, "slow");
			for (int attempt = 1; attempt <= 3; attempt++) {
				takeOne(queue);
				time.advance(LEASE);
			}
			// a shared backend expires leases on its own timer: reading the
			// queue first brings it up to now, dead letters moved
			assertThat(snapshot(queue).unfinished()).isZero();
			assertThat(snapshot(registry.require("q.dead")).size()).isEqualTo(1);
		}

		@Test
		void aQueueMayNameItsDeadLetterQueue() {
			JobQueue once = queue("once", new QueueConfig(10, LEASE, 1, "graveyard"));
			accept(once, "x");
			done(once.nack(takeOne(once).leaseId(), Duration.ZERO));
			assertThat(takeOne(registry.require("graveyard")).deadLetter().queue()).isEqualTo("once");
		}

		/**
		 * Fails a job of {@code queue} on each of its three attempts: it is
		 * dead-lettered.
		 */
		private String deadLetterOne(String payload) {
			String id = accept(queue, payload).jobId();
			for (int attempt = 1; attempt <= 3; attempt++) {
				done(queue.nack(takeOne(queue).leaseId(), Duration.ZERO));
			}
			return id;
		}

		@Test
		void aDeadLetterQueueMadeByItsFirstDeadLetterKeepsItsFailingJobs() {
			String id = deadLetterOne("poison");
			JobQueue dead = registry.require("q.dead");
			assertThat(snapshot(dead).config().deadLetterQueueFor("q.dead")).as("none of its own").isNull();
			int attempts = snapshot(dead).config().maxAttempts();
			for (int attempt = 1; attempt <= attempts + 1; attempt++) {
				Delivery delivery = takeOne(dead);
				assertThat(delivery.jobId()).isEqualTo(id);
				assertThat(delivery.attempt()).isEqualTo(attempt);
				done(dead.nack(delivery.leaseId(), Duration.ZERO));
			}
			takeOne(dead);
			time.advance(LEASE);
			assertThat(snapshot(dead).size()).as("back at the head, lease run out too").isEqualTo(1);
			assertThat(takeOne(dead).attempt()).isEqualTo(attempts + 3);
			assertThat(registry.find("q.dead.dead")).isEmpty();
			assertThat(events.count("q.dead", "deadlettered max-attempts")).isZero();
		}

		@Test
		void deletingADeadLetterQueueWithoutOneMakesNoneAndThrowsItsJobsAway() {
			deadLetterOne("leased");
			deadLetterOne("ready");
			JobQueue dead = registry.require("q.dead");
			takeOne(dead);

			assertThat(registry.delete("q.dead", false)).isTrue();

			assertThat(registry.find("q.dead")).isEmpty();
			assertThat(registry.find("q.dead.dead")).isEmpty();
		}

		@Test
		void anImmediateCloseOfAQueueWithoutADeadLetterQueueThrowsItsWaitingJobsAway() {
			JobQueue kept = queue("kept", new QueueConfig(10, LEASE, 1, QueueConfig.NO_DEAD_LETTER_QUEUE));
			accept(kept, "a");
			accept(kept, "b");
			Delivery leased = takeOne(kept);

			assertThat(done(kept.close(CloseMode.IMMEDIATE))).isEqualTo(1);
			done(kept.nack(leased.leaseId(), Duration.ZERO));

			assertThat(snapshot(kept).unfinished()).isZero();
			assertThat(registry.find("kept.dead")).isEmpty();
		}

		@Test
		void aDeadLetterQueueConfiguredWithOneSendsItsFailingJobsThere() {
			String id = deadLetterOne("poison");
			JobQueue dead = queue("q.dead", new QueueConfig(10, LEASE, 1, "q.graveyard"));
			done(dead.nack(takeOne(dead).leaseId(), Duration.ZERO));
			Delivery buried = takeOne(registry.require("q.graveyard"));
			assertThat(buried.jobId()).isEqualTo(id);
			assertThat(buried.deadLetter()).isEqualTo(new DeadLetter("q.dead", DeadLetter.Reason.MAX_ATTEMPTS, 1));
		}

		@Test
		void aQueueMadeByHandItsDeadLetterQueueNameIncludedHasTheDefaultOne() {
			JobQueue dead = queue("orders.dead", 10);
			assertThat(snapshot(dead).config().deadLetterQueueFor("orders.dead")).isEqualTo("orders.dead.dead");
		}

		@Test
		void deadLetteringIgnoresTheDeadLetterQueuesCapacityAndClosedState() {
			JobQueue dead = queue("q.dead", 1);
			accept(dead, "already there");
			done(dead.close(CloseMode.GRACEFUL));
			JobQueue once = queue("once", new QueueConfig(10, LEASE, 1, "q.dead"));
			accept(once, "x");
			accept(once, "y");
			done(once.nack(takeOne(once).leaseId(), Duration.ZERO));
			done(once.nack(takeOne(once).leaseId(), Duration.ZERO));
			assertThat(snapshot(dead).size()).isEqualTo(3);
			assertThat(drainReady(dead)).containsExactly("already there", "x", "y");
		}

	}

	@Nested
	class Close {

		@Test
		void closeAnswersParkedPutsAndRefusesNewOnes() {
			fill(queue, 3);
			CompletableFuture<PutOutcome> parked = put(queue, "parked", WAIT);
			done(queue.close(CloseMode.GRACEFUL));
			assertThat(done(parked)).isInstanceOf(PutOutcome.Closed.class);
			assertThat(done(put(queue, "new", WAIT))).isInstanceOf(PutOutcome.Closed.class);
			assertThat(events.count("q", "rejected closed")).isEqualTo(2);
			assertThat(snapshot(queue).closed()).isTrue();
		}

		@Test
		void aClosedQueueDeliversWhatItHoldsThenDrains() {
			accept(queue, "a");
			accept(queue, "b");
			done(queue.close(CloseMode.GRACEFUL));
			Delivery a = takeOne(queue);
			Delivery b = takeOne(queue);
			assertThat(done(take(queue, Duration.ZERO))).as("leases may still fail")
				.isInstanceOf(TakeOutcome.Empty.class);
			assertThat(snapshot(queue).drained()).isFalse();
			done(queue.ack(a.leaseId()));
			done(queue.ack(b.leaseId()));
			assertThat(done(take(queue, WAIT))).isInstanceOf(TakeOutcome.Drained.class);
			assertThat(snapshot(queue).drained()).isTrue();
		}

		@Test
		void parkedTakesAreAnsweredDrainedWhenTheLastLeaseSettles() {
			accept(queue, "a");
			Delivery a = takeOne(queue);
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			done(queue.close(CloseMode.GRACEFUL));
			assertParked(parked);
			done(queue.ack(a.leaseId()));
			assertThat(done(parked)).isInstanceOf(TakeOutcome.Drained.class);
		}

		@Test
		void aJobWhoseLeaseFailsAfterCloseIsStillDelivered() {
			accept(queue, "a");
			takeOne(queue);
			done(queue.close(CloseMode.GRACEFUL));
			CompletableFuture<TakeOutcome> parked = take(queue, LEASE.plus(WAIT));
			time.advance(LEASE);
			Delivery again = delivered(parked).getFirst();
			assertThat(again.attempt()).isEqualTo(2);
			done(queue.ack(again.leaseId()));
			assertThat(done(take(queue, Duration.ZERO))).isInstanceOf(TakeOutcome.Drained.class);
		}

		@Test
		void delayedJobsAreDeliveredAfterAGracefulClose() {
			accept(queue, "a");
			done(queue.nack(takeOne(queue).leaseId(), Duration.ofSeconds(5)));
			done(queue.close(CloseMode.GRACEFUL));
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			time.advance(Duration.ofSeconds(5));
			assertThat(payloads(delivered(parked))).containsExactly("a");
		}

		@Test
		void closingAnEmptyQueueAnswersParkedTakesDrainedAtOnce() {
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			assertThat(done(queue.close(CloseMode.GRACEFUL))).isZero();
			assertThat(done(parked)).isInstanceOf(TakeOutcome.Drained.class);
		}

		@Test
		void anImmediateClosePurgesWaitingJobsToTheDeadLetterQueue() {
			accept(queue, "a");
			accept(queue, "b");
			accept(queue, "c");
			Delivery a = takeOne(queue);
			done(queue.nack(takeOne(queue).leaseId(), Duration.ofMinutes(1)));
			assertThat(done(queue.close(CloseMode.IMMEDIATE))).isEqualTo(2);
			assertThat(done(take(queue, WAIT))).isInstanceOf(TakeOutcome.Drained.class);
			QueueSnapshot state = snapshot(queue);
			assertThat(state.drained()).isTrue();
			assertThat(state.inFlight()).isEqualTo(1);
			JobQueue dead = registry.require("q.dead");
			List<Delivery> purged = delivered(dead.take(TakeOptions.leased(Duration.ZERO).withMax(5)));
			assertThat(payloads(purged)).containsExactlyInAnyOrder("b", "c");
			assertThat(purged)
				.allSatisfy((d) -> assertThat(d.deadLetter().reason()).isEqualTo(DeadLetter.Reason.PURGED));

			CompletableFuture<Boolean> join = queue.join(WAIT);
			assertParked(join);
			done(queue.nack(a.leaseId(), Duration.ZERO));
			assertThat(done(join)).isTrue();
			assertThat(payloads(List.of(takeOne(dead)))).containsExactly("a");
		}

		@Test
		void acksAreStillTakenAfterAnImmediateClose() {
			accept(queue, "a");
			Delivery a = takeOne(queue);
			done(queue.close(CloseMode.IMMEDIATE));
			assertThat(done(queue.ack(a.leaseId()))).isTrue();
			assertThat(registry.find("q.dead")).isEmpty();
		}

		@Test
		void closeIsIdempotentAndAnImmediateCloseMayFollowAGracefulOne() {
			accept(queue, "a");
			assertThat(done(queue.close(CloseMode.GRACEFUL))).isZero();
			assertThat(done(queue.close(CloseMode.GRACEFUL))).isZero();
			assertThat(done(queue.close(CloseMode.IMMEDIATE))).isEqualTo(1);
			assertThat(done(queue.close(CloseMode.IMMEDIATE))).isZero();
			assertThat(snapshot(registry.require("q.dead")).size()).isEqualTo(1);
		}

	}

	@Nested
	class Join {

		@Test
		void joinAnswersAtOnceWhenNothingIsUnfinished() {
			assertThat(done(queue.join(WAIT))).isTrue();
		}

		@Test
		void joinWaitsForTheLastAck() {
			accept(queue, "a");
			accept(queue, "b");
			CompletableFuture<Boolean> join = queue.join(WAIT);
			Delivery a = takeOne(queue);
			Delivery b = takeOne(queue);
			done(queue.ack(a.leaseId()));
			assertParked(join);
			done(queue.ack(b.leaseId()));
			assertThat(done(join)).isTrue();
		}

		@Test
		void joinAnswersFalseWhenItsWaitElapses() {
			accept(queue, "a");
			CompletableFuture<Boolean> join = queue.join(WAIT);
			time.advance(WAIT);
			assertThat(done(join)).isFalse();
			assertThat(done(queue.join(Duration.ZERO))).isFalse();
		}

		@Test
		void autoAckedJobsAreFinishedAtDelivery() {
			accept(queue, "a");
			Delivery delivery = delivered(queue.take(TakeOptions.autoAcked(Duration.ZERO))).getFirst();
			assertThat(delivery.leaseId()).isNull();
			assertThat(delivery.leaseExpiresAt()).isNull();
			assertThat(delivery.attempt()).isEqualTo(1);
			assertThat(done(queue.join(Duration.ZERO))).isTrue();
		}

	}

	@Nested
	class Idempotency {

		private PutOutcome putKeyed(JobQueue queue, String payload, String key, Duration wait) {
			return done(queue.put(Payload.of(payload), PutOptions.waiting(wait).withIdempotencyKey(key)));
		}

		@Test
		void aRepeatedKeyCreatesNothingAndAnswersTheOriginalId() {
			PutOutcome.Accepted first = (PutOutcome.Accepted) putKeyed(queue, "a", "k", Duration.ZERO);
			time.advance(Duration.ofMinutes(1));
			PutOutcome again = putKeyed(queue, "a", "k", Duration.ZERO);
			assertThat(again).isEqualTo(new PutOutcome.Accepted(first.jobId(), first.enqueuedAt(), true));
			assertThat(snapshot(queue).size()).isEqualTo(1);
		}

		@Test
		void aKeyIsForgottenAfterTheDedupWindow() {
			PutOutcome.Accepted first = (PutOutcome.Accepted) putKeyed(queue, "a", "k", Duration.ZERO);
			time.advance(DEDUP_WINDOW);
			PutOutcome.Accepted second = (PutOutcome.Accepted) putKeyed(queue, "a", "k", Duration.ZERO);
			assertThat(second.duplicate()).isFalse();
			assertThat(second.jobId()).isNotEqualTo(first.jobId());
		}

		@Test
		void aRepeatedKeyIsAnsweredEvenAfterClose() {
			PutOutcome.Accepted first = (PutOutcome.Accepted) putKeyed(queue, "a", "k", Duration.ZERO);
			done(queue.close(CloseMode.GRACEFUL));
			assertThat(putKeyed(queue, "a", "k", Duration.ZERO))
				.isEqualTo(new PutOutcome.Accepted(first.jobId(), first.enqueuedAt(), true));
			assertThat(putKeyed(queue, "a", "other", Duration.ZERO)).isInstanceOf(PutOutcome.Closed.class);
		}

		@Test
		void aRepeatedKeyOnAFullQueueAnswersAtOnce() {
			putKeyed(queue, "a", "k", Duration.ZERO);
			fill(queue, 2);
			assertThat(putKeyed(queue, "a", "k", Duration.ZERO)).isInstanceOf(PutOutcome.Accepted.class);
		}

		@Test
		void twinPutsParkedWithOneKeyCreateOneJob() {
			fill(queue, 3);
			CompletableFuture<PutOutcome> first = queue.put(Payload.of("x"),
					PutOptions.waiting(WAIT).withIdempotencyKey("k"));
			CompletableFuture<PutOutcome> twin = queue.put(Payload.of("x"),
					PutOptions.waiting(WAIT).withIdempotencyKey("k"));
			takeOne(queue);
			takeOne(queue);
			PutOutcome.Accepted original = (PutOutcome.Accepted) done(first);
			assertThat(done(twin)).isEqualTo(new PutOutcome.Accepted(original.jobId(), original.enqueuedAt(), true));
			assertThat(drainReady(queue)).containsExactly("3", "x");
		}

	}

	@Nested
	class Capacity {

		@Test
		void growingTheCapacityAdmitsParkedPutsInOrder() {
			fill(queue, 3);
			CompletableFuture<PutOutcome> p1 = put(queue, "p1", WAIT);
			CompletableFuture<PutOutcome> p2 = put(queue, "p2", WAIT);
			CompletableFuture<PutOutcome> p3 = put(queue, "p3", WAIT);
			done(queue.configure(new QueueConfig(5, LEASE, 3, null)));
			assertThat(done(p1)).isInstanceOf(PutOutcome.Accepted.class);
			assertThat(done(p2)).isInstanceOf(PutOutcome.Accepted.class);
			assertParked(p3);
			assertThat(snapshot(queue).capacity()).isEqualTo(5);
			assertThat(drainReady(queue)).containsExactly("1", "2", "3", "p1", "p2", "p3");
		}

		@Test
		void shrinkingTheCapacityMakesPutsWaitUntilTheQueueFallsBelowIt() {
			fill(queue, 3);
			done(queue.configure(new QueueConfig(1, LEASE, 3, null)));
			CompletableFuture<PutOutcome> parked = put(queue, "p", WAIT);
			takeOne(queue);
			takeOne(queue);
			assertParked(parked);
			takeOne(queue);
			assertThat(done(parked)).isInstanceOf(PutOutcome.Accepted.class);
		}

	}

	@Nested
	class Registry {

		@Test
		void unknownQueuesAreCreatedOnDemandWithTheDefaults() {
			JobQueue fresh = registry.obtain("fresh");
			assertThat(snapshot(fresh).config()).isEqualTo(QueueConfig.DEFAULTS);
			assertThat(registry.obtain("fresh")).isSameAs(fresh);
			assertThat(events.events()).contains("fresh created");
		}

		@Test
		void withoutAutoCreateUnknownQueuesAreNotFound() {
			QueueRegistry strict = newRegistry(time, QueueListener.NONE, QueueConfig.DEFAULTS, false, DEDUP_WINDOW);
			assertThatThrownBy(() -> strict.obtain("nope")).isInstanceOf(QueueNotFoundException.class)
				.hasMessageContaining("nope");
			assertThat(strict.configure("declared", QueueConfig.DEFAULTS)).isTrue();
			assertThat(strict.obtain("declared").name()).isEqualTo("declared");
		}

		@Test
		void configureCreatesOrUpdates() {
			assertThat(registry.configure("b", QueueConfig.DEFAULTS)).isTrue();
			assertThat(registry.configure("b", QueueConfig.DEFAULTS.withCapacity(7))).isFalse();
			assertThat(snapshot(registry.require("b")).capacity()).isEqualTo(7);
			assertThat(registry.list().stream().map(JobQueue::name)).containsExactly("b", "q");
		}

		@Test
		void badNamesAreRefused() {
			for (String bad : new String[] { "", "has space", "slash/name", "ünicode", "x".repeat(129) }) {
				assertThatIllegalArgumentException().isThrownBy(() -> registry.obtain(bad))
					.withMessageContaining("queue name");
			}
			assertThat(registry.obtain("A-z_0.9").name()).isEqualTo("A-z_0.9");
		}

		@Test
		void deleteAnswersParkedClientsAndKeepsEveryJob() {
			fill(queue, 3);
			Delivery leased = takeOne(queue);
			CompletableFuture<PutOutcome> parkedPut = put(queue, "p1", WAIT);
			CompletableFuture<PutOutcome> secondPut = put(queue, "p2", WAIT);
			JobQueue other = queue("other", 1);
			CompletableFuture<TakeOutcome> parkedTake = take(other, WAIT);
			CompletableFuture<Boolean> join = queue.join(WAIT);
			assertThat(done(parkedPut)).isInstanceOf(PutOutcome.Accepted.class);

			assertThat(registry.delete("q")).isTrue();
			assertThat(registry.delete("q")).isFalse();
			assertThat(done(secondPut)).isInstanceOf(PutOutcome.Closed.class);
			assertThatThrownBy(() -> join.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
				.hasCauseInstanceOf(QueueDeletedException.class);
			assertThat(registry.find("q")).isEmpty();
			assertThat(done(queue.ack(leased.leaseId()))).isFalse();
			assertThat(done(put(queue, "after", Duration.ZERO))).isInstanceOf(PutOutcome.Closed.class);
			assertThat(done(take(queue, Duration.ZERO))).isInstanceOf(TakeOutcome.Drained.class);
			assertThat(drainReady(registry.require("q.dead"))).containsExactlyInAnyOrder("1", "2", "3", "p1");
			assertThat(events.events()).contains("q deleted");

			registry.delete("other");
			assertThat(done(parkedTake)).isInstanceOf(TakeOutcome.Drained.class);
		}

		@Test
		void deletingWithDiscardThrowsTheJobsAwayInsteadOfDeadLetteringThem() {
			fill(queue, 3);
			Delivery leased = takeOne(queue);
			CompletableFuture<Boolean> join = queue.join(WAIT);

			assertThat(registry.delete("q", true)).isTrue();

			assertThat(registry.find("q")).isEmpty();
			assertThat(registry.find("q.dead").map((dead) -> snapshot(dead).size()).orElse(0)).isZero();
			assertThat(done(queue.ack(leased.leaseId()))).isFalse();
			assertThatThrownBy(() -> join.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
				.hasCauseInstanceOf(QueueDeletedException.class);
			JobQueue again = registry.obtain("q");
			assertThat(snapshot(again).size()).isZero();
			assertThat(snapshot(again).inFlight()).isZero();
		}

		@Test
		void aDeletedQueueCannotBeConfigured() {
			registry.delete("q");
			assertThatThrownBy(() -> queue.configure(QueueConfig.DEFAULTS).get(5, TimeUnit.SECONDS))
				.isInstanceOf(ExecutionException.class)
				.hasCauseInstanceOf(QueueDeletedException.class);
			assertThat(registry.find("q")).isEmpty();
		}

		@Test
		void aDeletedNameMayBeUsedAgain() {
			accept(queue, "old");
			registry.delete("q");
			JobQueue again = registry.obtain("q");
			assertThat(again).isNotSameAs(queue);
			assertThat(snapshot(again).unfinished()).isZero();
			assertThat(snapshot(again).closed()).isFalse();
		}

	}

	@Nested
	class Arguments {

		@Test
		void outOfRangeArgumentsAreRefusedWithAReason() {
			assertThatIllegalArgumentException().isThrownBy(() -> PutOptions.waiting(Duration.ofSeconds(-1)))
				.withMessageContaining("wait");
			assertThatIllegalArgumentException().isThrownBy(() -> TakeOptions.leased(Duration.ZERO).withMax(0))
				.withMessageContaining("max");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> TakeOptions.leased(Duration.ZERO).withLease(Duration.ZERO))
				.withMessageContaining("lease");
			assertThatIllegalArgumentException().isThrownBy(() -> new QueueConfig(0, LEASE, 1, null))
				.withMessageContaining("capacity");
			assertThatIllegalArgumentException().isThrownBy(() -> new QueueConfig(1, LEASE, 0, null))
				.withMessageContaining("maxAttempts");
			assertThatIllegalArgumentException().isThrownBy(() -> new QueueConfig(1, Duration.ZERO, 1, null))
				.withMessageContaining("leaseTimeout");
			assertThatIllegalArgumentException().isThrownBy(() -> new QueueConfig(1, LEASE, 1, "bad name"))
				.withMessageContaining("queue name");
			assertThatIllegalArgumentException().isThrownBy(() -> PutOptions.noWait().withIdempotencyKey(""))
				.withMessageContaining("idempotency key");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> registry.configure("loop", new QueueConfig(1, LEASE, 1, "loop")))
				.withMessageContaining("its own dead-letter queue");
			assertThatIllegalArgumentException().isThrownBy(() -> queue.nack("lease", Duration.ofSeconds(-1)))
				.withMessageContaining("delay");
			assertThatIllegalArgumentException().isThrownBy(() -> PutOptions.noWait().withDelay(Duration.ofSeconds(-1)))
				.withMessageContaining("delay");
			assertThatIllegalArgumentException().isThrownBy(() -> queue.extend("lease", Duration.ZERO))
				.withMessageContaining("extension");
			assertThatIllegalArgumentException().isThrownBy(() -> queue.join(Duration.ofSeconds(-1)))
				.withMessageContaining("wait");
		}

	}

	@Nested
	class TraceContexts {

		private static final TraceContext PRODUCER = new TraceContext(
				"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=opaque,other=1");

		private static final TraceContext ANOTHER = new TraceContext(
				"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", null);

		@Test
		void aJobCarriesItsProducersTraceContextToEveryDeliveryAndLookUp() {
			PutOutcome put = done(queue.put(Payload.of("\"traced\""), PutOptions.noWait().withTrace(PRODUCER)));
			String id = ((PutOutcome.Accepted) put).jobId();
			accept(queue, "untraced");
			Delivery first = takeOne(queue);
			assertThat(first.trace()).isEqualTo(PRODUCER);
			assertThat(done(queue.job(id)).orElseThrow().trace()).isEqualTo(PRODUCER);
			done(queue.nack(first.leaseId(), Duration.ZERO));
			assertThat(takeOne(queue).trace()).as("again after a nack").isEqualTo(PRODUCER);
			assertThat(takeOne(queue).trace()).isNull();
			assertThat(done(queue.jobs(JobInfo.State.LEASED, null, 10))).extracting(JobInfo::trace)
				.containsExactlyInAnyOrder(PRODUCER, null);
		}

		@Test
		void aTakeParkedBeforeThePutGetsTheTraceContextToo() {
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			assertParked(parked);
			done(queue.put(Payload.of("1"), PutOptions.waiting(WAIT).withTrace(PRODUCER)));
			assertThat(delivered(parked).getFirst().trace()).isEqualTo(PRODUCER);
		}

		@Test
		void eachJobOfABatchKeepsItsOwn() {
			done(queue.putAll(
					List.of(NewJob.of(Payload.of("1")).withTrace(PRODUCER), NewJob.of(Payload.of("2")),
							NewJob.of(Payload.of("3")).withTrace(ANOTHER).withDelay(Duration.ofSeconds(1))),
					Duration.ZERO));
			time.advance(Duration.ofSeconds(1));
			List<Delivery> all = delivered(queue.take(TakeOptions.autoAcked(Duration.ZERO).withMax(3)));
			assertThat(all).extracting(Delivery::trace).containsExactly(PRODUCER, null, ANOTHER);
		}

		@Test
		void aDeadLetteredJobKeepsItInItsDeadLetterQueueAndWhenRedrivenHome() {
			JobQueue once = queue("once", new QueueConfig(10, LEASE, 1, null));
			done(once.put(Payload.of("1"), PutOptions.noWait().withTrace(PRODUCER)));
			done(once.nack(takeOne(once).leaseId(), Duration.ZERO));
			JobQueue dead = registry.require("once.dead");
			Delivery corpse = takeOne(dead);
			assertThat(corpse.trace()).isEqualTo(PRODUCER);
			done(dead.release(corpse.leaseId()));
			done(registry.redrive("once.dead", Redrive.all()));
			assertThat(takeOne(once).trace()).isEqualTo(PRODUCER);
		}

	}

	@Nested
	class SettleAndTake {

		@Test
		void settlesFirstThenTakes() {
			fill(queue, 2);
			Delivery one = takeOne(queue);
			TakeOutcome outcome = done(
					queue.settleAndTake(List.of(Settle.ack(one.leaseId())), TakeOptions.leased(WAIT)));
			assertThat(outcome.settled()).containsExactly(Settled.DONE);
			assertThat(payloads(((TakeOutcome.Delivered) outcome).deliveries())).containsExactly("2");
			assertThat(snapshot(queue).unfinished()).isEqualTo(1);
			assertThat(events.count("q", "acked")).isEqualTo(1);
		}

		@Test
		void aJobNackedInTheSameStepMayComeStraightBack() {
			accept(queue, "again");
			Delivery first = takeOne(queue);
			TakeOutcome outcome = done(queue.settleAndTake(List.of(Settle.nack(first.leaseId(), Duration.ZERO)),
					TakeOptions.leased(WAIT)));
			Delivery second = ((TakeOutcome.Delivered) outcome).deliveries().getFirst();
			assertThat(second.jobId()).isEqualTo(first.jobId());
			assertThat(second.attempt()).isEqualTo(2);
		}

		@Test
		void theSettlementsAreMadeAtOnceWhileTheTakeWaits() {
			accept(queue, "1");
			Delivery one = takeOne(queue);
			CompletableFuture<TakeOutcome> waiting = queue
				.settleAndTake(List.of(Settle.ack(one.leaseId()), Settle.ack("not-a-lease")), TakeOptions.leased(WAIT));
			assertParked(waiting);
			assertThat(snapshot(queue).unfinished()).isZero();
			accept(queue, "2");
			TakeOutcome outcome = done(waiting);
			assertThat(outcome.settled()).containsExactly(Settled.DONE, Settled.NOT_HELD);
			assertThat(payloads(((TakeOutcome.Delivered) outcome).deliveries())).containsExactly("2");
		}

		@Test
		void behindParkedTakesItSettlesAtOnceAndWaitsItsTurn() {
			accept(queue, "1");
			Delivery one = takeOne(queue);
			CompletableFuture<TakeOutcome> first = take(queue, WAIT);
			assertParked(first);
			CompletableFuture<TakeOutcome> second = queue.settleAndTake(List.of(Settle.ack(one.leaseId())),
					TakeOptions.leased(WAIT));
			assertParked(second);
			assertThat(snapshot(queue).inFlight()).isZero();
			assertThat(snapshot(queue).waitingTakers()).isEqualTo(2);
			accept(queue, "2");
			assertThat(payloads(delivered(first))).containsExactly("2");
			assertParked(second);
			accept(queue, "3");
			TakeOutcome outcome = done(second);
			assertThat(outcome.settled()).containsExactly(Settled.DONE);
			assertThat(payloads(((TakeOutcome.Delivered) outcome).deliveries())).containsExactly("3");
		}

		@Test
		void anEmptyQueueWithoutWaitAnswersEmptyWithTheSettlements() {
			accept(queue, "1");
			Delivery one = takeOne(queue);
			TakeOutcome outcome = done(queue.settleAndTake(List.of(Settle.extend(one.leaseId(), Duration.ofMinutes(5))),
					TakeOptions.leased(Duration.ZERO)));
			assertThat(outcome).isInstanceOf(TakeOutcome.Empty.class);
			assertThat(outcome.settled()).containsExactly(new Settled(true, time.now().plus(Duration.ofMinutes(5))));
		}

		@Test
		void settlingTheLastLeaseOfAClosedQueueAnswersDrained() {
			accept(queue, "last");
			Delivery last = takeOne(queue);
			done(queue.close(CloseMode.GRACEFUL));
			TakeOutcome outcome = done(
					queue.settleAndTake(List.of(Settle.ack(last.leaseId())), TakeOptions.leased(WAIT)));
			assertThat(outcome).isInstanceOf(TakeOutcome.Drained.class);
			assertThat(outcome.settled()).containsExactly(Settled.DONE);
		}

		@Test
		void cancellingTheWaitingTakeWithdrawsItButNotTheSettlements() {
			accept(queue, "1");
			Delivery one = takeOne(queue);
			CompletableFuture<TakeOutcome> waiting = queue.settleAndTake(List.of(Settle.ack(one.leaseId())),
					TakeOptions.leased(WAIT));
			assertParked(waiting);
			assertThat(waiting.cancel(false)).isTrue();
			assertThat(snapshot(queue).waitingTakers()).isZero();
			assertThat(snapshot(queue).unfinished()).isZero();
			accept(queue, "2");
			assertThat(snapshot(queue).size()).isEqualTo(1);
		}

	}

	/** Puts jobs "1" to "n". */
	protected static void fill(JobQueue queue, int n) {
		for (int i = 1; i <= n; i++) {
			accept(queue, Integer.toString(i));
		}
	}

	@Nested
	class Lanes {

		@Test
		void theHighestPriorityIsServedFirstAndFifoWithinIt() {
			JobQueue lanes = queue("lanes", 10);
			acceptIn(lanes, "a5", 5, null);
			acceptIn(lanes, "b9", 9, null);
			acceptIn(lanes, "c1", 1, null);
			acceptIn(lanes, "d9", 9, null);
			accept(lanes, "e5");
			assertThat(drainReady(lanes)).containsExactly("b9", "d9", "a5", "e5", "c1");
		}

		@Test
		void groupsTakeTurnsFifoWithinEach() {
			JobQueue lanes = queue("lanes", 10);
			acceptIn(lanes, "a1", 5, "a");
			acceptIn(lanes, "a2", 5, "a");
			acceptIn(lanes, "a3", 5, "a");
			acceptIn(lanes, "b1", 5, "b");
			accept(lanes, "x1");
			acceptIn(lanes, "c1", 5, "c");
			accept(lanes, "x2");
			assertThat(drainReady(lanes)).containsExactly("a1", "b1", "x1", "c1", "a2", "x2", "a3");
		}

		@Test
		void priorityComesBeforeTurns() {
			JobQueue lanes = queue("lanes", 10);
			acceptIn(lanes, "a5", 5, "a");
			acceptIn(lanes, "b9", 9, "b");
			acceptIn(lanes, "b5", 5, "b");
			acceptIn(lanes, "a9", 9, "a");
			assertThat(drainReady(lanes)).containsExactly("b9", "a9", "a5", "b5");
		}

		/**
		 * One group with a burst of jobs, being served; ten more groups come with one job
		 * each: the ten are served in the next ten takes, then the burst goes on.
		 */
		@Test
		void aBurstDoesNotDelayOtherGroups() {
			JobQueue lanes = queue("lanes", 2000);
			List<NewJob> burst = new ArrayList<>();
			for (int i = 0; i < 1000; i++) {
				burst.add(NewJob.of(Payload.of("\"big" + i + "\"")).withLane(Lane.of(5, "big")));
			}
			done(lanes.putAll(burst, Duration.ZERO));
			assertThat(done(lanes.ack(takeOne(lanes).leaseId()))).isTrue();
			List<String> ten = new ArrayList<>();
			for (int g = 0; g < 10; g++) {
				acceptIn(lanes, "\"small" + g + "\"", 5, "tenant-" + g);
				ten.add("\"small" + g + "\"");
			}
			List<String> next = new ArrayList<>();
			for (int i = 0; i < 11; i++) {
				next.add(takeOne(lanes).payload().asString());
			}
			assertThat(next.subList(0, 10)).containsExactlyElementsOf(ten);
			assertThat(next.get(10)).isEqualTo("\"big1\"");
		}

		/**
		 * A group served in a round that gets a job again before the round ends waits for
		 * the next round: a group whose jobs come one at a time gets no more turns than
		 * one with many.
		 */
		@Test
		void aGroupBackAfterItsTurnWaitsForTheNextRound() {
			JobQueue lanes = queue("lanes", 10);
			acceptIn(lanes, "a1", 5, "a");
			acceptIn(lanes, "b1", 5, "b");
			acceptIn(lanes, "b2", 5, "b");
			acceptIn(lanes, "c1", 5, "c");
			acceptIn(lanes, "c2", 5, "c");
			assertThat(payloads(List.of(takeOne(lanes), takeOne(lanes)))).containsExactly("a1", "b1");
			acceptIn(lanes, "a2", 5, "a");
			assertThat(drainReady(lanes)).as("a had its turn in this round").containsExactly("c1", "b2", "a2", "c2");
		}

		@Test
		void aJobKeepsItsLaneWhenHandedBackDelayedOrNacked() {
			JobQueue lanes = queue("lanes", 10);
			acceptIn(lanes, "low", 1, null);
			acceptIn(lanes, "first", 9, "g");
			Delivery first = takeOne(lanes);
			assertThat(first.lane()).isEqualTo(Lane.of(9, "g"));
			acceptIn(lanes, "second", 9, "g");
			done(lanes.nack(first.leaseId(), Duration.ZERO));
			Delivery again = takeOne(lanes);
			assertThat(again.payload().asString()).as("back at the head of its lane").isEqualTo("first");
			done(lanes.nack(again.leaseId(), Duration.ofSeconds(1)));
			done(lanes.release(takeOne(lanes).leaseId()));
			time.advance(Duration.ofSeconds(1));
			assertThat(drainReady(lanes)).containsExactly("first", "second", "low");

			done(lanes.put(Payload.of("later"),
					PutOptions.noWait().withDelay(Duration.ofSeconds(1)).withLane(Lane.of(8, null))));
			acceptIn(lanes, "now", 2, null);
			time.advance(Duration.ofSeconds(1));
			assertThat(drainReady(lanes)).containsExactly("later", "now");
		}

		@Test
		void deliveriesLookUpsAndDeadLettersCarryTheLane() {
			Lane lane = Lane.of(7, "tenant-7");
			String id = acceptIn(queue, "poison", 7, "tenant-7").jobId();
			assertThat(done(queue.job(id)).orElseThrow().lane()).isEqualTo(lane);
			assertThat(done(queue.jobs(JobInfo.State.READY, null, 10))).extracting(JobInfo::lane).containsExactly(lane);
			for (int attempt = 1; attempt <= 3; attempt++) {
				Delivery delivery = takeOne(queue);
				assertThat(delivery.lane()).isEqualTo(lane);
				done(queue.nack(delivery.leaseId(), Duration.ZERO));
			}
			assertThat(snapshot(queue).unfinished()).isZero();
			assertThat(takeOne(registry.require("q.dead")).lane()).as("dead-lettered").isEqualTo(lane);
		}

		@Test
		void redrivenJobsKeepTheirLane() {
			Lane lane = Lane.of(2, "tenant-2");
			acceptIn(queue, "poison", 2, "tenant-2");
			for (int attempt = 1; attempt <= 3; attempt++) {
				done(queue.nack(takeOne(queue).leaseId(), Duration.ZERO));
			}
			assertThat(done(registry.redrive("q.dead", Redrive.all())).jobIds()).hasSize(1);
			assertThat(takeOne(queue).lane()).isEqualTo(lane);
		}

		@Test
		void eachJobOfABatchHasItsOwnLane() {
			JobQueue lanes = queue("lanes", 10);
			done(lanes.putAll(
					List.of(NewJob.of(Payload.of("1")).withLane(Lane.of(1, null)),
							NewJob.of(Payload.of("2")).withLane(Lane.of(9, "x")), NewJob.of(Payload.of("3"))),
					Duration.ZERO));
			List<Delivery> all = delivered(lanes.take(TakeOptions.leased(Duration.ZERO).withMax(3)));
			assertThat(payloads(all)).containsExactly("2", "3", "1");
			assertThat(all).extracting(Delivery::lane).containsExactly(Lane.of(9, "x"), Lane.DEFAULT, Lane.of(1, null));
		}

		@Test
		void aParkedTakeGetsTheJobWhateverItsLane() {
			CompletableFuture<TakeOutcome> parked = take(queue, WAIT);
			assertParked(parked);
			acceptIn(queue, "\"x\"", 3, "g");
			assertThat(delivered(parked).getFirst().lane()).isEqualTo(Lane.of(3, "g"));
		}

		@Test
		void aSnapshotCountsTheGroupsAndNamesTheLargest() {
			JobQueue lanes = queue("lanes", 100);
			assertThat(snapshot(lanes).groups()).isZero();
			assertThat(snapshot(lanes).largestGroups()).isEmpty();
			accept(lanes, "d1");
			assertThat(snapshot(lanes).largestGroups()).containsExactly(new GroupCount(null, 1));
			for (int i = 0; i < 3; i++) {
				acceptIn(lanes, "a" + i, 5, "a");
			}
			acceptIn(lanes, "a9", 9, "a");
			acceptIn(lanes, "b", 2, "b");
			acceptIn(lanes, "d9", 9, null);
			QueueSnapshot seen = snapshot(lanes);
			assertThat(seen.groups()).isEqualTo(3);
			assertThat(seen.largestGroups()).as("a group counted across priorities")
				.containsExactly(new GroupCount("a", 4), new GroupCount(null, 2), new GroupCount("b", 1));
			drainReady(lanes);
			assertThat(snapshot(lanes).groups()).isZero();
		}

		@Test
		void purgingEmptiesEveryLane() {
			JobQueue lanes = queue("lanes", 10);
			acceptIn(lanes, "a1", 5, "a");
			acceptIn(lanes, "x", 9, "a");
			acceptIn(lanes, "y", 1, "b");
			accept(lanes, "z");
			assertThat(done(lanes.purge())).isEqualTo(4);
			assertThat(snapshot(lanes).size()).isZero();
			acceptIn(lanes, "b1", 5, "b");
			acceptIn(lanes, "a2", 5, "a");
			assertThat(drainReady(lanes)).as("turns start again").containsExactly("b1", "a2");
		}

	}

	@Nested
	class InFlightLimits {

		private JobQueue limited(int capacity, int maxInFlight) {
			return queue("limited", new QueueConfig(capacity, LEASE, 3, null, maxInFlight));
		}

		@Test
		void aTakeGetsNoMoreThanTheLimitLeaves() {
			JobQueue limited = limited(10, 2);
			for (int i = 1; i <= 5; i++) {
				accept(limited, Integer.toString(i));
			}
			List<Delivery> first = delivered(limited.take(TakeOptions.leased(Duration.ZERO).withMax(5)));
			assertThat(payloads(first)).containsExactly("1", "2");
			assertThat(done(take(limited, Duration.ZERO))).as("at the limit").isInstanceOf(TakeOutcome.Empty.class);
			assertThat(done(limited.take(TakeOptions.autoAcked(Duration.ZERO))))
				.as("an auto-acked take waits like the others")
				.isInstanceOf(TakeOutcome.Empty.class);
			assertThat(done(limited.ack(first.get(0).leaseId()))).isTrue();
			assertThat(payloads(delivered(limited.take(TakeOptions.leased(Duration.ZERO).withMax(5)))))
				.containsExactly("3");
			assertThat(snapshot(limited).inFlight()).isEqualTo(2);
		}

		@Test
		void everyWayALeaseEndsFreesItsSlotForAParkedTake() {
			JobQueue limited = limited(10, 1);
			for (int i = 1; i <= 5; i++) {
				accept(limited, Integer.toString(i));
			}
			assertEveryEndOfTheOneLeaseServesAParkedTake(limited);
		}

		@Test
		void aLimitChangedLiveTakesEffectAtOnce() {
			JobQueue limited = limited(10, 1);
			accept(limited, "a");
			accept(limited, "b");
			accept(limited, "c");
			takeOne(limited);
			CompletableFuture<TakeOutcome> parked = take(limited, WAIT);
			assertParked(parked);
			registry.configure("limited", new QueueConfig(10, LEASE, 3, null, 2));
			assertThat(payloads(delivered(parked))).containsExactly("b");
			assertThat(snapshot(limited).config().maxInFlight()).isEqualTo(2);
			registry.configure("limited", new QueueConfig(10, LEASE, 3, null, QueueConfig.UNLIMITED));
			assertThat(payloads(List.of(takeOne(limited)))).as("no limit").containsExactly("c");
		}

		/**
		 * A put does not hand its job to a parked take while the limit is reached (the
		 * job rests in the queue instead), so it gets no way past the capacity either.
		 */
		@Test
		void aPutHandsNothingToAParkedTakeBeyondTheLimit() {
			JobQueue limited = limited(1, 1);
			accept(limited, "a");
			Delivery held = takeOne(limited);
			CompletableFuture<TakeOutcome> parked = take(limited, WAIT);
			assertParked(parked);
			accept(limited, "b");
			assertParked(parked);
			assertThat(done(put(limited, "c", Duration.ZERO))).isInstanceOf(PutOutcome.Full.class);
			done(limited.ack(held.leaseId()));
			assertThat(payloads(delivered(parked))).containsExactly("b");
		}

		@Test
		void aNegativeLimitIsRefused() {
			assertThatIllegalArgumentException().isThrownBy(() -> new QueueConfig(10, LEASE, 3, null, -1))
				.withMessageContaining("maxInFlight");
		}

	}

	@Nested
	class RateLimits {

		private JobQueue limited(int perSecond) {
			return queue("paced", new QueueConfig(1000, LEASE, 3, null, QueueConfig.UNLIMITED, perSecond));
		}

		private void acceptMany(JobQueue queue, int count) {
			for (int i = 1; i <= count; i++) {
				accept(queue, Integer.toString(i));
			}
		}

		@Test
		void aTakeGetsNoMoreThanTheRateAllows() {
			JobQueue limited = limited(20);
			acceptMany(limited, 10);
			assertThat(payloads(delivered(limited.take(TakeOptions.leased(Duration.ZERO).withMax(10)))))
				.as("a burst: a tenth of a second's worth")
				.containsExactly("1", "2");
			assertThat(done(limited.take(TakeOptions.autoAcked(Duration.ZERO)))).as("an auto-acked take counts too")
				.isInstanceOf(TakeOutcome.Empty.class);
			time.advance(Duration.ofMillis(49));
			assertThat(done(take(limited, Duration.ZERO))).isInstanceOf(TakeOutcome.Empty.class);
			time.advance(Duration.ofMillis(1));
			assertThat(payloads(delivered(limited.take(TakeOptions.leased(Duration.ZERO).withMax(10)))))
				.containsExactly("3");
			time.advance(Duration.ofSeconds(5));
			assertThat(payloads(delivered(limited.take(TakeOptions.leased(Duration.ZERO).withMax(10)))))
				.as("the bucket holds no more than a burst")
				.containsExactly("4", "5");
		}

		/**
		 * At 10 a second, three jobs put and one taken: a take parks until the next tenth
		 * of a second.
		 */
		private CompletableFuture<TakeOutcome> parkedBehindTheRate(JobQueue limited) {
			acceptMany(limited, 3);
			takeOne(limited);
			CompletableFuture<TakeOutcome> parked = take(limited, WAIT);
			assertParked(parked);
			return parked;
		}

		@Test
		void aParkedTakeGetsItsJobWhenTheRateAllows() {
			CompletableFuture<TakeOutcome> parked = parkedBehindTheRate(limited(10));
			time.advance(Duration.ofMillis(99));
			assertParked(parked);
			time.advance(Duration.ofMillis(1));
			assertThat(payloads(delivered(parked))).containsExactly("2");
		}

		@Test
		void overTenSecondsDeliveriesKeepToTheRate() {
			JobQueue limited = limited(50);
			acceptMany(limited, 700);
			int delivered = 0;
			for (int tick = 0; tick < 1000; tick++) {
				TakeOutcome outcome = done(limited.take(TakeOptions.autoAcked(Duration.ZERO).withMax(100)));
				if (outcome instanceof TakeOutcome.Delivered jobs) {
					delivered += jobs.deliveries().size();
				}
				time.advance(Duration.ofMillis(10));
			}
			// a burst of 5 at once, then 50 a second over the 9.99 s of the other takes
			assertThat(delivered).isEqualTo(5 + 499);
		}

		@Test
		void aRateChangedLiveTakesEffectAtOnce() {
			JobQueue limited = limited(10);
			CompletableFuture<TakeOutcome> parked = parkedBehindTheRate(limited);
			registry.configure("paced", new QueueConfig(1000, LEASE, 3, null, QueueConfig.UNLIMITED, 100));
			assertParked(parked);
			assertThat(snapshot(limited).config().maxLeasesPerSecond()).isEqualTo(100);
			registry.configure("paced", new QueueConfig(1000, LEASE, 3, null));
			assertThat(payloads(delivered(parked))).as("no limit").containsExactly("2");
			assertThat(payloads(List.of(takeOne(limited)))).containsExactly("3");
		}

		@Test
		void aPutHandsNothingToAParkedTakeBeyondTheRate() {
			JobQueue limited = limited(10);
			accept(limited, "a");
			takeOne(limited);
			CompletableFuture<TakeOutcome> parked = take(limited, WAIT);
			assertParked(parked);
			accept(limited, "b");
			assertParked(parked);
			assertThat(snapshot(limited).size()).isEqualTo(1);
			time.advance(Duration.ofMillis(100));
			assertThat(payloads(delivered(parked))).containsExactly("b");
		}

		@Test
		void aNegativeRateIsRefused() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new QueueConfig(10, LEASE, 3, null, QueueConfig.UNLIMITED, -1))
				.withMessageContaining("maxLeasesPerSecond");
		}

	}

	@Nested
	class GroupLimits {

		private JobQueue limited(int capacity, int perGroup) {
			return queue("fair",
					new QueueConfig(capacity, LEASE, 3, null, QueueConfig.UNLIMITED, QueueConfig.UNLIMITED, perGroup));
		}

		private void acceptAll(JobQueue queue, String group, String... payloads) {
			for (String payload : payloads) {
				acceptIn(queue, payload, 5, group);
			}
		}

		private List<String> takeNow(JobQueue queue, int max) {
			TakeOutcome outcome = done(queue.take(TakeOptions.leased(Duration.ZERO).withMax(max)));
			return (outcome instanceof TakeOutcome.Delivered delivered) ? payloads(delivered.deliveries()) : List.of();
		}

		@Test
		void aGroupAtItsLimitIsPassedOverAndKeepsItsTurn() {
			JobQueue fair = limited(20, 1);
			acceptAll(fair, "a", "a1", "a2", "a3");
			acceptAll(fair, "b", "b1", "b2");
			acceptAll(fair, "c", "c1", "c2");
			Delivery a1 = takeOne(fair);
			Delivery b1 = takeOne(fair);
			Delivery c1 = takeOne(fair);
			assertThat(payloads(List.of(a1, b1, c1))).containsExactly("a1", "b1", "c1");
			done(fair.ack(b1.leaseId()));
			done(fair.ack(c1.leaseId()));
			assertThat(takeNow(fair, 1)).as("a, first in this round, holds its one lease").containsExactly("b2");
			done(fair.ack(a1.leaseId()));
			assertThat(takeNow(fair, 1)).as("a kept its turn, before c").containsExactly("a2");
			assertThat(takeNow(fair, 1)).containsExactly("c2");
			assertThat(takeNow(fair, 1)).as("every group with jobs is at its limit").isEmpty();
			assertThat(snapshot(fair).groupLimited()).isTrue();
		}

		@Test
		void theDefaultGroupHasALimitToo() {
			JobQueue fair = limited(10, 2);
			accept(fair, "1");
			accept(fair, "2");
			accept(fair, "3");
			acceptIn(fair, "x", 5, "x");
			assertThat(takeNow(fair, 10)).containsExactly("1", "x", "2");
			assertThat(takeNow(fair, 10)).isEmpty();
			assertThat(snapshot(fair).groupLimited()).isTrue();
			assertThat(snapshot(fair).size()).isEqualTo(1);
		}

		@Test
		void aTakeOfManyKeepsToTheLimitAndTheTurns() {
			JobQueue fair = limited(20, 2);
			acceptAll(fair, "a", "a1", "a2", "a3");
			acceptAll(fair, "b", "b1", "b2", "b3");
			acceptIn(fair, "p9", 9, "a");
			assertThat(takeNow(fair, 10)).as("priority first; then each group to its limit, in turns")
				.containsExactly("p9", "a1", "b1", "b2");
			assertThat(done(fair.take(TakeOptions.autoAcked(Duration.ZERO)))).as("an auto-acked take waits too")
				.isInstanceOf(TakeOutcome.Empty.class);
		}

		@Test
		void everyWayALeaseEndsFreesItsGroupForAParkedTake() {
			JobQueue fair = limited(10, 1);
			acceptAll(fair, "a", "1", "2", "3", "4", "5");
			assertEveryEndOfTheOneLeaseServesAParkedTake(fair);
		}

		@Test
		void aPutHandsItsJobToAParkedTakeOnlyIfItsGroupAllows() {
			JobQueue fair = limited(10, 1);
			acceptIn(fair, "a1", 5, "a");
			takeOne(fair);
			CompletableFuture<TakeOutcome> parked = take(fair, WAIT);
			assertParked(parked);
			acceptIn(fair, "a2", 5, "a");
			assertParked(parked);
			assertThat(snapshot(fair).size()).isEqualTo(1);
			acceptIn(fair, "b1", 5, "b");
			assertThat(payloads(delivered(parked))).containsExactly("b1");
			assertThat(snapshot(fair).size()).as("a2 waits for a's lease").isEqualTo(1);
		}

		/**
		 * A parked take is room for a put into a full queue only if the put's group may
		 * have a lease: else the put waits until a lease's end lets a job leave.
		 */
		@Test
		void aPutIntoAFullQueueGoesToAParkedTakeOnlyIfItsGroupAllows() {
			JobQueue fair = limited(1, 1);
			acceptIn(fair, "a1", 5, "a");
			Delivery held = takeOne(fair);
			acceptIn(fair, "a2", 5, "a");
			CompletableFuture<TakeOutcome> parked = take(fair, WAIT);
			CompletableFuture<PutOutcome> put = fair.put(Payload.of("a3"),
					PutOptions.waiting(WAIT).withLane(Lane.of(5, "a")));
			assertParked(parked);
			assertParked(put);
			done(fair.ack(held.leaseId()));
			assertThat(payloads(delivered(parked))).containsExactly("a2");
			assertThat(done(put)).isInstanceOf(PutOutcome.Accepted.class);
			assertThat(snapshot(fair).size()).isEqualTo(1);

			CompletableFuture<TakeOutcome> next = take(fair, WAIT);
			assertParked(next);
			assertThat(done(fair.put(Payload.of("b1"), PutOptions.waiting(WAIT).withLane(Lane.of(5, "b")))))
				.as("b may have a lease: the parked take makes room")
				.isInstanceOf(PutOutcome.Accepted.class);
			assertThat(payloads(delivered(next))).containsExactly("b1");
		}

		@Test
		void aLimitChangedLiveTakesEffectAtOnce() {
			JobQueue fair = limited(10, QueueConfig.UNLIMITED);
			acceptAll(fair, "a", "a1", "a2", "a3");
			acceptAll(fair, "b", "b1");
			assertThat(takeNow(fair, 3)).containsExactly("a1", "b1", "a2");
			registry.configure("fair", new QueueConfig(10, LEASE, 3, null, 0, 0, 2));
			assertThat(snapshot(fair).config().maxInFlightPerGroup()).isEqualTo(2);
			assertThat(snapshot(fair).groupLimited()).as("a holds two leases taken before the limit").isTrue();
			CompletableFuture<TakeOutcome> parked = take(fair, WAIT);
			assertParked(parked);
			registry.configure("fair", new QueueConfig(10, LEASE, 3, null, 0, 0, 3));
			assertThat(payloads(delivered(parked))).containsExactly("a3");
			acceptAll(fair, "a", "a4");
			assertThat(takeNow(fair, 1)).isEmpty();
			registry.configure("fair", new QueueConfig(10, LEASE, 3, null));
			assertThat(takeNow(fair, 1)).as("no limit").containsExactly("a4");
		}

		@Test
		void aNegativeLimitIsRefused() {
			assertThatIllegalArgumentException().isThrownBy(() -> new QueueConfig(10, LEASE, 3, null, 0, 0, -1))
				.withMessageContaining("maxInFlightPerGroup");
		}

	}

}
