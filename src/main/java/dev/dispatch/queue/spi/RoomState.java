package dev.dispatch.queue.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueListener.WaitKind;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.job.TakeOutcome;

/**
 * What a {@link WaitingRoom} knows, guarded by its lock: the lines of waiting puts, takes
 * and joins, the pumps' flags, and the queue's life; with the steps that move a waiter
 * through its life (park, answer, forget). Every method is called holding the lock; what
 * must happen after it goes to the {@link Effects} given.
 */
final class RoomState {

	final String name;

	final ReentrantLock lock = new ReentrantLock();

	final Scheduler scheduler;

	final QueueListener listener;

	final QueueStore store;

	/**
	 * Called when a parked request's wait elapses (from a timer, not holding the lock).
	 */
	private final Consumer<Waiter<?>> waitElapsed;

	/** Gives back jobs delivered to a take whose future was completed otherwise. */
	private final Consumer<List<Delivery>> handBack;

	/** Puts not yet answered, oldest first. */
	final LinkedHashSet<PutWaiter> putters = new LinkedHashSet<>();

	/** Takes not yet answered, oldest first. */
	final LinkedHashSet<TakeWaiter> takers = new LinkedHashSet<>();

	/** Joins not yet answered. */
	final LinkedHashSet<Waiter<Boolean>> joiners = new LinkedHashSet<>();

	/** Puts in putters marked parked. */
	int parkedPutters;

	/** Takes in takers marked parked. */
	int parkedTakers;

	/** Whether the put pump has a try in flight. */
	boolean pumpingPuts;

	/** Whether the take pump has a try in flight. */
	boolean pumpingTakes;

	/** Whether a pump loop runs (see {@link Usher#pump}). */
	boolean pumpLoop;

	/** Pumps asked for and not yet picked up by the loop. */
	boolean putsWanted;

	/** Pumps asked for and not yet picked up by the loop. */
	boolean takesWanted;

	/** Nudges so far: a try that finds nothing tries again if it grew meanwhile. */
	long wakes;

	/** Set once the queue is found gone. */
	boolean deleted;

	/**
	 * Set with {@code deleted} when another process deleted it: requests that reach the
	 * room afterwards are made again on the queue that has the name.
	 */
	boolean deletedElsewhere;

	/**
	 * Set when this process sends the queue's deletion: an answer that then finds it gone
	 * does not take that for a deletion elsewhere.
	 */
	boolean deletingHere;

	/** The room's looks and rechecks; set once, right after construction. */
	Watch watch;

	RoomState(String name, Scheduler scheduler, QueueListener listener, QueueStore store,
			Consumer<Waiter<?>> waitElapsed, Consumer<List<Delivery>> handBack) {
		this.name = name;
		this.scheduler = scheduler;
		this.listener = listener;
		this.store = store;
		this.waitElapsed = waitElapsed;
		this.handBack = handBack;
	}

	/** A list of effects that run after this room's lock is released. */
	Effects effects() {
		return new Effects(this.lock, this.name);
	}

	/** Whether any request waits in a line (or a join waits). */
	boolean anyParked() {
		return this.parkedPutters > 0 || this.parkedTakers > 0 || !this.joiners.isEmpty();
	}

	// ---- puts

	void markParked(PutWaiter putter) {
		assert this.lock.isHeldByCurrentThread();
		if (!putter.parked) {
			putter.parked = true;
			this.parkedPutters++;
			startTimer(putter, putter.maxWait);
			this.watch.keepRechecking();
		}
	}

	/** Removes a put from the line and calls off its timer. */
	void forget(PutWaiter putter, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (this.putters.remove(putter) && putter.parked) {
			this.parkedPutters--;
		}
		fx.cancel(putter.deadline());
	}

	/** Fixes a put's outcome; a refusal gives back what the put held reserved. */
	void answer(PutWaiter putter, PutOutcome outcome, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (!(outcome instanceof PutOutcome.Accepted) && !(outcome instanceof PutOutcome.AcceptedAll)) {
			// told before the future completes: whoever sees the outcome sees the event
			fx.add(() -> this.listener.putRejected(this.name, outcome));
			unreserve(putter, fx);
		}
		Duration waited = putter.waited(this.scheduler.now());
		fx.add(() -> this.listener.waitEnded(this.name, WaitKind.PUT, waited, outcome.label()));
		fx.settle(putter, outcome);
	}

	void fail(PutWaiter putter, RuntimeException failure, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		unreserve(putter, fx);
		fx.fail(putter, failure);
	}

	/**
	 * Gives back the bytes a put holds reserved, unless a try in flight owns them (its
	 * answer gives them back, or makes them its jobs').
	 */
	void unreserve(PutWaiter putter, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (!putter.inFlight && putter.reserved > 0) {
			long bytes = putter.reserved;
			putter.reserved = 0;
			fx.add(() -> this.store.unreserve(bytes));
		}
	}

	/** The oldest parked put, or {@code null}. */
	PutWaiter oldestParkedPut() {
		assert this.lock.isHeldByCurrentThread();
		for (PutWaiter putter : this.putters) {
			if (putter.parked) {
				return putter;
			}
		}
		return null;
	}

	/**
	 * Whether the oldest parked put could hand its job straight to a take: not a delayed
	 * one (it rests in the queue), nor a batch (its jobs join the tail).
	 */
	boolean oldestParkedPutCanHandOff() {
		PutWaiter oldest = oldestParkedPut();
		return oldest != null && oldest.canHandOff();
	}

	/**
	 * The oldest parked put without a try in flight, marked tried, if the put pump may.
	 */
	PutWaiter nextPut() {
		assert this.lock.isHeldByCurrentThread();
		if (this.pumpingPuts || this.deleted) {
			return null;
		}
		for (PutWaiter putter : this.putters) {
			if (putter.parked && !putter.inFlight) {
				this.pumpingPuts = true;
				putter.startAttempt();
				return putter;
			}
		}
		return null;
	}

	// ---- takes

	void markParked(TakeWaiter taker) {
		assert this.lock.isHeldByCurrentThread();
		if (!taker.parked) {
			taker.parked = true;
			this.parkedTakers++;
			startTimer(taker, taker.options.maxWait());
			this.watch.keepRechecking();
		}
	}

	/** Removes a take from the line and calls off its timer. */
	void forget(TakeWaiter taker, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (this.takers.remove(taker) && taker.parked) {
			this.parkedTakers--;
		}
		fx.cancel(taker.deadline());
	}

	/**
	 * Fixes a take's outcome, with what came of the settlements it made first. One whose
	 * settlements are under way fails instead: their outcome is unknown.
	 */
	void answer(TakeWaiter taker, TakeOutcome outcome, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (taker.settling()) {
			fx.fail(taker,
					new BackendUnavailableException("queue " + this.name + ": the take ended while the "
							+ "settlements made with it were under way; whether they were made is unknown (settle them "
							+ "again: a lease no longer held answers as such)", null));
			return;
		}
		Duration waited = taker.waited(this.scheduler.now());
		fx.add(() -> this.listener.waitEnded(this.name, WaitKind.TAKE, waited, outcome.label()));
		fx.settle(taker, outcome.withSettled(taker.settled));
	}

	/**
	 * Hands jobs to a take (already out of the line). Should its future have been
	 * completed some other way meanwhile, they are handed back.
	 */
	void deliver(TakeWaiter taker, List<Delivery> deliveries, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		Instant now = this.scheduler.now();
		for (Delivery delivery : deliveries) {
			boolean direct = taker.parked && delivery.attempt() == 1
					&& !delivery.enqueuedAt().isBefore(taker.parkedAt());
			Duration sinceEnqueued = (delivery.attempt() == 1) ? Duration.between(delivery.enqueuedAt(), now) : null;
			fx.add(() -> this.listener.delivered(this.name, direct, sinceEnqueued));
			if (taker.options.autoAck()) {
				fx.add(() -> this.listener.acked(this.name));
			}
		}
		TakeOutcome.Delivered outcome = new TakeOutcome.Delivered(deliveries, taker.settled);
		Duration waited = taker.waited(now);
		taker.settle(outcome);
		fx.add(() -> {
			this.listener.waitEnded(this.name, WaitKind.TAKE, waited, outcome.label());
			if (!taker.finish()) {
				this.handBack.accept(deliveries);
			}
		});
	}

	/**
	 * The take a put's job may go to, with its kind of hand-off: the oldest parked take
	 * if it has no try in flight (none past it: FIFO; if its try is in flight, that try's
	 * answer comes first or counts the put's answer as a wake-up), else a fresh take
	 * whose first try was sent before (and that may wait). The take's {@code inFlight} is
	 * counted up.
	 */
	HandOffTarget handOffTarget() {
		assert this.lock.isHeldByCurrentThread();
		HandOffTarget target = HandOffTarget.NONE;
		for (TakeWaiter taker : this.takers) {
			if (taker.parked) {
				if (taker.inFlight == 0) {
					target = new HandOffTarget(taker, PutAttempt.HandOff.PARKED);
				}
				break;
			}
			// not to one whose settlements are under way: it is answered by its own try
			if (target.taker() == null && taker.options.maxWait().isPositive() && !taker.settling()) {
				target = new HandOffTarget(taker, PutAttempt.HandOff.IF_NONE_READY);
			}
		}
		if (target.taker() != null) {
			target.taker().inFlight++;
		}
		return target;
	}

	/**
	 * The take a put's job goes to, if any.
	 *
	 * @param taker the take, or {@code null}
	 * @param kind how
	 */
	record HandOffTarget(TakeWaiter taker, PutAttempt.HandOff kind) {

		static final HandOffTarget NONE = new HandOffTarget(null, PutAttempt.HandOff.NONE);

	}

	/** The oldest parked take, marked tried, if the take pump may try it now. */
	TakeWaiter nextTake() {
		assert this.lock.isHeldByCurrentThread();
		if (this.pumpingTakes || this.deleted) {
			return null;
		}
		TakeWaiter next = null;
		for (TakeWaiter taker : this.takers) {
			if (taker.parked) {
				next = taker;
				break;
			}
		}
		// only the oldest (FIFO): if a put's hand-off to it is in flight, that put's
		// answer pumps again
		if (next == null || next.inFlight > 0) {
			return null;
		}
		this.pumpingTakes = true;
		next.inFlight++;
		return next;
	}

	// ---- joins

	/** Answers every join: {@code true} (nothing unfinished). */
	void answerJoins(Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		for (Waiter<Boolean> joiner : this.joiners) {
			fx.cancel(joiner.deadline());
			fx.settle(joiner, true);
		}
		this.joiners.clear();
	}

	/** Fails every join with {@code failure}. */
	void failJoins(RuntimeException failure, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		for (Waiter<Boolean> joiner : this.joiners) {
			fx.cancel(joiner.deadline());
			fx.fail(joiner, failure);
		}
		this.joiners.clear();
	}

	// ---- waits

	/**
	 * Starts a parking request's timer for what is left of its wait. Requests answered by
	 * their first try, most of them, never set one: a timer costs a scheduled task, its
	 * cancellation, and often a wake-up of the timer thread. So a wait cannot elapse
	 * while a first try is in flight; the answer comes within the store's try timeout,
	 * and a request that finds its wait used up by then is answered at once.
	 */
	void startTimer(Waiter<?> waiter, Duration maxWait) {
		if (maxWait.isPositive() && waiter.deadline() == null) {
			Duration left = maxWait.minus(waiter.waited(this.scheduler.now()));
			waiter.deadline(this.scheduler.schedule(left.isNegative() ? Duration.ZERO : left,
					() -> this.waitElapsed.accept(waiter)));
		}
	}

	/** Whether a request whose first try found it must wait has any wait left. */
	boolean hasTimeLeft(Waiter<?> waiter, Duration maxWait) {
		return waiter.deadline() != null || waiter.waited(this.scheduler.now()).compareTo(maxWait) < 0;
	}

	/** Tells the listener what a store operation's housekeeping did. */
	void tellHousekeeping(QueueState state, Effects fx) {
		if (state.expired() == 0 && state.deadLetteredMaxAttempts() == 0 && state.deadLetteredPurged() == 0) {
			return;
		}
		String name = this.name;
		fx.add(() -> {
			for (long i = 0; i < state.expired(); i++) {
				this.listener.expired(name);
			}
			for (long i = 0; i < state.deadLetteredMaxAttempts(); i++) {
				this.listener.deadLettered(name, DeadLetter.Reason.MAX_ATTEMPTS);
			}
			for (long i = 0; i < state.deadLetteredPurged(); i++) {
				this.listener.deadLettered(name, DeadLetter.Reason.PURGED);
			}
		});
	}

}
