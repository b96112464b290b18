package dev.dispatch.queue.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueDeletedException;
import dev.dispatch.queue.QueueListener.WaitKind;
import dev.dispatch.queue.QueueReplacedException;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.Settled;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.queue.TooManyQueuesException;

/**
 * The part of a {@link WaitingRoom} that tries requests at the store and acts on the
 * answers: sends a put's or take's try, parks it or answers it, hands a put's job to a
 * take, decides when parked requests are tried again (the pumps), takes back what reached
 * nobody, and answers everything when the queue is gone. See the room's design notes.
 */
final class Usher {

	private static final System.Logger log = System.getLogger(Usher.class.getName());

	private final RoomState room;

	private final QueueStore store;

	Usher(RoomState room) {
		this.room = room;
		this.store = room.store;
	}

	// ---- tries

	/**
	 * Sends a put's try. If the oldest parked take has no try in flight, the store hands
	 * it jobs at once: this one, or older ones; if it has one, no take is handed any
	 * (none may pass it). Else a fresh take whose first try is in flight (and that may
	 * wait) is handed jobs only if none are ready. Jobs for a take already answered are
	 * handed back.
	 */
	Tries.PutTry preparePut(PutWaiter putter, boolean lookUpOnly, boolean pumped) {
		assert this.room.lock.isHeldByCurrentThread();
		RoomState.HandOffTarget target = (!lookUpOnly && putter.canHandOff()) ? this.room.handOffTarget()
				: RoomState.HandOffTarget.NONE;
		TakeWaiter taker = target.taker();
		PutAttempt attempt = new PutAttempt(putter.jobs, putter.ids, putter.batch, lookUpOnly, target.kind(),
				(taker != null) ? taker.options : null, lookUpOnly ? 0 : putter.reserved, putter.parked);
		return new Tries.PutTry(putter, attempt, taker, pumped, this.room.wakes);
	}

	/** Sends a put's try, prepared under the lock; call after the unlock. */
	void send(Tries.PutTry put) {
		send(() -> this.store.put(put.attempt())).whenComplete((answer, failure) -> {
			onPut(put, answer, failure);
			put.putter().future().endFirstTry();
		});
	}

	private void onPut(Tries.PutTry put, StoreAnswer<PutResult> answer, Throwable failure) {
		PutWaiter putter = put.putter();
		TakeWaiter handTo = put.handTo();
		boolean lookUpOnly = put.attempt().lookUpOnly();
		boolean pumped = put.pumped();
		long wakesAtSend = put.wakesAtSend();
		Effects fx = this.room.effects();
		boolean tryAgain = false;
		boolean retract = false;
		String retractLease = null;
		List<Delivery> handBack = null;
		CompletableFuture<Void> answered = null;
		PutResult result = (failure == null && !answer.missing()) ? answer.value() : null;
		this.room.lock.lock();
		try {
			if (!lookUpOnly) {
				putter.inFlight = false;
				answered = putter.attempt;
			}
			if (pumped) {
				this.room.pumpingPuts = false;
			}
			if (failure != null) {
				if (putter.isWaiting() && putter.parked && !putter.expired && !lookUpOnly) {
					// as a take: a parked put rides out a store that does not
					// answer, tried again by the recheck (a repeatable try: the
					// store knows a repeat), and ended by acceptance or by its wait
					// (which then asks the store first)
					putter.uncertain = true;
				}
				else if (putter.isWaiting()) {
					// a put that has not parked, or whose last word is unanswered: its
					// outcome is unknown, and the client is told so
					this.room.forget(putter, fx);
					this.room.fail(putter, failureOf(failure), fx);
				}
			}
			else if (answer.missing()) {
				markDeleted(true, fx);
				redirectIfFresh(putter, putter.isWaiting() && !putter.parked, fx);
			}
			else {
				switch (result.status()) {
					case ACCEPTED -> {
						putter.reserved = 0; // the jobs hold the bytes now
						if (putter.isWaiting()) {
							this.room.forget(putter, fx);
							tellEnqueued(putter, result, fx);
							this.room.answer(putter, result.outcome(), fx);
						}
						else {
							// withdrawn meanwhile; a keyed put stays: a retry may
							// already have been answered with its id
							retract = putter.batch || putter.key() == null;
						}
					}
					case UNCONFIRMED -> {
						putter.reserved = 0;
						if (putter.isWaiting()) {
							this.room.forget(putter, fx);
							tellEnqueued(putter, result, fx);
							this.room.fail(putter,
									new BackendUnavailableException("jobs " + created(putter, result)
											+ " are stored, but fewer replicas than asked confirmed them in time",
											null),
									fx);
						}
						else {
							retract = putter.batch || putter.key() == null;
						}
					}
					case DUPLICATE -> refuse(putter, result.outcome(), fx);
					case UNKNOWN_KEY -> {
						if (putter.isWaiting() && putter.refusedStorage) {
							refuse(putter, new PutOutcome.StorageFull(), fx);
						}
						else if (putter.isWaiting() && (putter.maxWait.isZero() || putter.expired)
								&& !putter.inFlight) {
							// an uncertain put's wait is over, and the store
							// says it never accepted it: full, truly
							refuse(putter, new PutOutcome.Full(), fx);
						}
					}
					case CLOSED -> refuse(putter, new PutOutcome.Closed(), fx);
					case TOO_BIG -> refuse(putter, new PutOutcome.Full(true), fx);
					case STORAGE_FULL -> refuse(putter, new PutOutcome.StorageFull(), fx);
					case FULL -> {
						putter.reserved = result.reserved();
						if (putter.isWaiting()) {
							if (putter.maxWait.isZero() || putter.expired
									|| !this.room.hasTimeLeft(putter, putter.maxWait)) {
								refuse(putter, new PutOutcome.Full(), fx);
							}
							else {
								putter.needed = result.needed();
								// refused by a parked take that the limits let have a
								// job: its own group is at its limit
								QueueState state = answer.state();
								putter.heldByGroupAt = (put.attempt().handOff() == PutAttempt.HandOff.PARKED
										&& state != null && state.maxInFlightPerGroup() > 0 && !state.paused()
										&& state.allowsLease()) ? state.inFlight() : -1;
								this.room.markParked(putter);
								// a wake-up came while the try was in flight
								tryAgain = this.room.wakes != wakesAtSend;
							}
						}
					}
				}
				react(answer.state(), fx);
			}
			if (handTo != null) {
				handTo.inFlight--;
				if (handTo.parked && this.room.wakes != wakesAtSend) {
					// a wake-up came while the hand-off was in flight: the take pump
					// skipped it
					fx.add(() -> pump(true, false));
				}
				List<Delivery> handed = (result != null) ? result.handed() : List.of();
				if (retract) {
					// the withdrawn put's own job, if leased to the take, never reaches
					// it; one settled at delivery is gone already, so it is delivered
					// (accepted after all)
					Delivery own = handed.stream()
						.filter((delivery) -> delivery.jobId().equals(putter.ids.getFirst())
								&& delivery.leaseId() != null)
						.findFirst()
						.orElse(null);
					if (own != null) {
						handed = handed.stream().filter((delivery) -> delivery != own).toList();
						retractLease = own.leaseId();
					}
				}
				if (!handed.isEmpty() && handTo.isWaiting()) {
					this.room.forget(handTo, fx);
					this.room.deliver(handTo, handed, fx);
				}
				else if (!handed.isEmpty()) {
					handBack = handed;
				}
			}
			if (!putter.isWaiting() && !putter.inFlight) {
				// withdrawn or answered without its jobs: the bytes it held go
				this.room.unreserve(putter, fx);
			}
			// after a failure the recheck tries again: pumping on at once would fail
			// every parked request in turn
			boolean progress = failure == null && !this.room.putters.contains(putter);
			if (((pumped && progress) || tryAgain) && !this.room.deleted) {
				fx.add(() -> pump(false, true));
			}
		}
		finally {
			this.room.lock.unlock();
		}
		if (answered != null) {
			// a withdrawal waiting for this answer may go on
			answered.complete(null);
		}
		fx.run();
		if (retract) {
			retract(putter, result, retractLease);
		}
		if (handBack != null) {
			handBack(handBack);
		}
	}

	/** Answers a put still waiting with what the store said, or a refusal. */
	private void refuse(PutWaiter putter, PutOutcome outcome, Effects fx) {
		if (putter.isWaiting()) {
			this.room.forget(putter, fx);
			this.room.answer(putter, outcome, fx);
		}
	}

	private void tellEnqueued(PutWaiter putter, PutResult result, Effects fx) {
		int created = created(putter, result).size();
		fx.add(() -> {
			for (int i = 0; i < created; i++) {
				this.room.listener.enqueued(this.room.name);
			}
		});
	}

	/** The ids of the jobs a put created: its own, or a batch's new ones. */
	private static List<String> created(PutWaiter putter, PutResult result) {
		if (!putter.batch) {
			return List.of(putter.ids.getFirst());
		}
		return ((PutOutcome.AcceptedAll) result.outcome()).jobs()
			.stream()
			.filter((job) -> !job.duplicate())
			.map(PutOutcome.Accepted::jobId)
			.toList();
	}

	/**
	 * Takes back what a put withdrawn while its try was in flight created, unless a
	 * consumer took it already: its job (a put without a key), or a batch's new jobs
	 * without keys. Jobs with an idempotency key stay: a retry may already have been
	 * answered with their ids.
	 */
	private void retract(PutWaiter putter, PutResult result, String lease) {
		List<String> ids = new ArrayList<>();
		if (!putter.batch) {
			ids.add(putter.ids.getFirst());
		}
		else {
			List<PutOutcome.Accepted> jobs = ((PutOutcome.AcceptedAll) result.outcome()).jobs();
			for (int i = 0; i < jobs.size(); i++) {
				if (!jobs.get(i).duplicate() && putter.jobs.get(i).idempotencyKey() == null) {
					ids.add(jobs.get(i).jobId());
				}
			}
		}
		for (String id : ids) {
			call(this.store.retract(id, lease)).exceptionally((failed) -> {
				log.log(System.Logger.Level.WARNING, "queue " + this.room.name + ": job " + id
						+ " of a withdrawn put could not be retracted and stays accepted", failed);
				return null;
			});
		}
	}

	/**
	 * Decides a take's try: the nudges counted now (call holding the lock, then send it
	 * after the unlock).
	 */
	Tries.TakeTry prepareTake(TakeWaiter taker, boolean pumped) {
		assert this.room.lock.isHeldByCurrentThread();
		return new Tries.TakeTry(taker, pumped, this.room.wakes);
	}

	/** Sends a take's try, prepared under the lock; call after the unlock. */
	void send(Tries.TakeTry take) {
		TakeWaiter taker = take.taker();
		TakeAttempt attempt = new TakeAttempt(taker.options, take.pumped() ? List.of() : taker.settleFirst);
		send(() -> this.store.take(attempt)).whenComplete((answer, failure) -> {
			onTake(taker, take.pumped(), take.wakesAtSend(), answer, failure);
			taker.future().endFirstTry();
		});
	}

	private void onTake(TakeWaiter taker, boolean pumped, long wakesAtSend, StoreAnswer<TakeResult> answer,
			Throwable failure) {
		Effects fx = this.room.effects();
		boolean tryAgain = false;
		List<Delivery> handBack = null;
		this.room.lock.lock();
		try {
			taker.inFlight--;
			if (pumped) {
				this.room.pumpingTakes = false;
			}
			if (failure != null) {
				// a parked take rides out a store that does not answer (a Redis
				// failover): the recheck tries it again, and its wait ends it as ever; a
				// take that has not parked yet (its settlements' outcome unknown) fails
				// at once
				if (taker.isWaiting() && !taker.parked) {
					this.room.forget(taker, fx);
					fx.fail(taker, failureOf(failure));
				}
			}
			else if (answer.missing()) {
				if (taker.settling()) {
					// nothing was done: the queue is gone
					taker.settled = taker.settleFirst.stream().map((settlement) -> Settled.NOT_HELD).toList();
				}
				markDeleted(true, fx);
				redirectIfFresh(taker, taker.isWaiting() && !taker.parked, fx);
			}
			else {
				TakeResult result = answer.value();
				if (taker.settling()) {
					taker.settled = result.settled();
					fx.add(() -> tellSettled(taker.settleFirst, result.settled()));
				}
				switch (result.status()) {
					case DELIVERED -> {
						if (taker.isWaiting()) {
							this.room.forget(taker, fx);
							this.room.deliver(taker, result.deliveries(), fx);
						}
						else {
							handBack = result.deliveries();
						}
					}
					case EMPTY -> {
						if (taker.isWaiting()) {
							if (taker.options.maxWait().isZero()
									|| !this.room.hasTimeLeft(taker, taker.options.maxWait())) {
								this.room.forget(taker, fx);
								this.room.answer(taker, new TakeOutcome.Empty(), fx);
							}
							else {
								this.room.markParked(taker);
								// a wake-up came while the try was in flight
								tryAgain = this.room.wakes != wakesAtSend;
								if (this.room.oldestParkedPutCanHandOff()) {
									// a parked put may now hand its job straight to
									// this take
									fx.add(() -> pump(false, true));
								}
							}
						}
					}
					case DRAINED -> {
						if (taker.isWaiting()) {
							this.room.forget(taker, fx);
							this.room.answer(taker, new TakeOutcome.Drained(), fx);
						}
					}
				}
				react(answer.state(), fx);
			}
			boolean progress = failure == null && !this.room.takers.contains(taker);
			if (((pumped && progress) || tryAgain) && !this.room.deleted) {
				fx.add(() -> pump(true, false));
			}
		}
		finally {
			this.room.lock.unlock();
		}
		fx.run();
		if (handBack != null) {
			handBack(handBack);
		}
	}

	/**
	 * Has a take whose settlements were made on their own join the line of parked takes
	 * (or answers it, if it cannot wait or the queue is gone).
	 */
	void joinLine(TakeWaiter taker, List<Settled> settled, Throwable failure) {
		Effects fx = this.room.effects();
		this.room.lock.lock();
		try {
			if (!taker.isWaiting()) {
				// withdrawn meanwhile
			}
			else if (failure != null) {
				fx.fail(taker, failureOf(failure));
			}
			else {
				taker.settled = settled;
				if (this.room.deleted) {
					this.room.answer(taker, new TakeOutcome.Drained(), fx);
				}
				else if (taker.options.maxWait().isZero()) {
					this.room.answer(taker, new TakeOutcome.Empty(), fx);
				}
				else {
					this.room.takers.add(taker);
					this.room.markParked(taker);
					// the takes ahead may have been served meanwhile
					fx.add(() -> pump(true, false));
				}
			}
		}
		finally {
			this.room.lock.unlock();
		}
		fx.run();
	}

	/**
	 * Runs the pumps, on this thread, until they have nothing to try: each tries the
	 * oldest parked request of its kind, unless a try of its is already in flight (whose
	 * answer asks again). A pump asked for while the loop runs, on any thread, is picked
	 * up by it instead of recursing: a store that answers at once serves a long line
	 * without growing the stack.
	 */
	void pump(boolean takes, boolean puts) {
		this.room.lock.lock();
		try {
			this.room.takesWanted |= takes;
			this.room.putsWanted |= puts;
			if (this.room.pumpLoop) {
				return;
			}
			this.room.pumpLoop = true;
		}
		finally {
			this.room.lock.unlock();
		}
		boolean done = false;
		try {
			while (!done) {
				Tries.TakeTry take = null;
				Tries.PutTry put = null;
				this.room.lock.lock();
				try {
					// the put first: it may hand its job to the oldest parked take, which
					// a try of the take's own, made first, would keep from it (the put
					// would find the queue full and wait, and the take find nothing)
					if (this.room.putsWanted) {
						this.room.putsWanted = false;
						PutWaiter putter = this.room.nextPut();
						put = (putter != null) ? preparePut(putter, false, true) : null;
					}
					if (this.room.takesWanted) {
						this.room.takesWanted = false;
						TakeWaiter taker = this.room.nextTake();
						take = (taker != null) ? prepareTake(taker, true) : null;
					}
					if (take == null && put == null) {
						this.room.pumpLoop = false;
						done = true;
					}
				}
				finally {
					this.room.lock.unlock();
				}
				if (take != null) {
					send(take);
				}
				if (put != null) {
					send(put);
				}
			}
		}
		finally {
			if (!done) {
				// a try failed by throwing: let the next pump start a loop
				this.room.lock.lock();
				try {
					this.room.pumpLoop = false;
				}
				finally {
					this.room.lock.unlock();
				}
			}
		}
	}

	// ---- state changes; call only when holding the lock

	/** Acts on the state a store operation left: see the room's design notes. */
	void react(QueueState state, Effects fx) {
		assert this.room.lock.isHeldByCurrentThread();
		if (state == null) {
			return;
		}
		this.room.tellHousekeeping(state, fx);
		if (state.closed()) {
			for (PutWaiter putter : List.copyOf(this.room.putters)) {
				if (!putter.inFlight) {
					this.room.forget(putter, fx);
					this.room.answer(putter, new PutOutcome.Closed(), fx);
				}
			}
		}
		if (state.drained()) {
			for (TakeWaiter taker : List.copyOf(this.room.takers)) {
				if (taker.inFlight == 0) {
					this.room.forget(taker, fx);
					this.room.answer(taker, new TakeOutcome.Drained(), fx);
				}
			}
		}
		if (state.unfinished() == 0) {
			this.room.answerJoins(fx);
		}
		boolean takes = this.room.parkedTakers > 0 && state.servesTakes();
		// a parked take makes room for a put's job by taking it at once, but not for a
		// delayed one (it rests in the queue) or a batch's, nor while delivery is paused,
		// nor while the put's group is at its limit (until a lease ends)
		PutWaiter oldest = this.room.oldestParkedPut();
		boolean takerMakesRoom = this.room.parkedTakers > 0 && !state.paused() && state.allowsLease()
				&& this.room.oldestParkedPutCanHandOff() && !oldest.heldByGroup(state);
		// a parked batch is tried once there is room for all it needs, not before: else
		// every answer would pump it again, and it would find the queue full
		boolean room = (oldest != null && oldest.batch) ? state.room() >= oldest.needed : state.hasRoom();
		boolean puts = this.room.parkedPutters > 0 && (room || takerMakesRoom) && !state.closed();
		if (takes || puts) {
			// a try in flight that finds nothing tries again
			this.room.wakes++;
			fx.add(() -> pump(takes, puts));
		}
		this.room.watch.lookAt(state.nextDue(), fx);
		this.room.watch.keepRechecking();
	}

	/**
	 * The queue is gone: parked puts answer closed, takes drained, joins fail, timers are
	 * called off. With {@code elsewhere} (another process deleted it), puts and takes
	 * that have not parked are made again on the queue that has the name now.
	 */
	void markDeleted(boolean elsewhere, Effects fx) {
		assert this.room.lock.isHeldByCurrentThread();
		if (this.room.deleted) {
			return;
		}
		this.room.deleted = true;
		this.room.deletedElsewhere = elsewhere && !this.room.deletingHere;
		// the owner forgets this queue before anyone hears it is gone, so that whoever
		// looks the name up again finds what exists now
		fx.add(this.store::gone);
		List<Waiter<?>> fresh = new ArrayList<>();
		for (PutWaiter putter : List.copyOf(this.room.putters)) {
			if (this.room.deletedElsewhere && putter.isWaiting() && !putter.parked) {
				// one with its try in flight is redirected by that try's answer, if it
				// finds the queue gone too: it may have been accepted before
				if (!putter.inFlight) {
					fresh.add(putter);
				}
			}
			else if (putter.isWaiting()) {
				this.room.forget(putter, fx);
				this.room.answer(putter, new PutOutcome.Closed(), fx);
			}
		}
		for (TakeWaiter taker : List.copyOf(this.room.takers)) {
			if (this.room.deletedElsewhere && taker.isWaiting() && !taker.parked) {
				if (taker.inFlight == 0) {
					fresh.add(taker);
				}
			}
			else if (taker.isWaiting()) {
				this.room.forget(taker, fx);
				this.room.answer(taker, new TakeOutcome.Drained(), fx);
			}
		}
		if (!fresh.isEmpty()) {
			fx.add(() -> redirect(fresh));
		}
		this.room.failJoins(new QueueDeletedException(this.room.name), fx);
		this.room.watch.stop(fx);
	}

	/**
	 * Redirects the waiter whose try has just found the queue deleted elsewhere, if it
	 * had not parked (markDeleted left it alone while its try was in flight).
	 */
	private void redirectIfFresh(Waiter<?> waiter, boolean fresh, Effects fx) {
		assert this.room.lock.isHeldByCurrentThread();
		if (fresh && this.room.deletedElsewhere) {
			fx.add(() -> redirect(List.of(waiter)));
		}
	}

	/**
	 * Answers puts and takes whose first try found that another process had deleted this
	 * queue (they had not parked): if the name has a new queue — or gets one now, for a
	 * put with auto-creation on — with {@link QueueReplacedException} so the caller makes
	 * them again there, else as for a queue that does not exist. A process learns of a
	 * deletion through another only when it next runs an operation on the queue; the
	 * request whose operation it was should see what a request sent after the deletion
	 * sees.
	 */
	void redirect(List<Waiter<?>> fresh) {
		boolean puts = fresh.stream().anyMatch(PutWaiter.class::isInstance);
		this.store.successor(puts).whenComplete((next, failure) -> {
			Effects fx = this.room.effects();
			this.room.lock.lock();
			try {
				for (Waiter<?> waiter : fresh) {
					if (!waiter.isWaiting()) {
						continue;
					}
					Throwable cause = (failure != null) ? unwrap(failure) : null;
					RuntimeException answer = (cause instanceof TooManyQueuesException tooMany) ? tooMany
							: (failure != null) ? failureOf(failure)
									: (next != null) ? new QueueReplacedException(this.room.name, next)
											: new QueueDeletedException(this.room.name);
					if (waiter instanceof PutWaiter putter) {
						this.room.forget(putter, fx);
						this.room.fail(putter, answer, fx);
					}
					else if (waiter instanceof TakeWaiter taker) {
						this.room.forget(taker, fx);
						fx.fail(taker, answer);
					}
				}
			}
			finally {
				this.room.lock.unlock();
			}
			fx.run();
		});
	}

	// ---- timer and cancellation entry points (they take the lock themselves)

	void waitElapsed(Waiter<?> waiter) {
		Effects fx = this.room.effects();
		this.room.lock.lock();
		try {
			if (!waiter.isWaiting()) {
				return;
			}
			if (waiter instanceof PutWaiter putter) {
				if (putter.inFlight) {
					putter.expired = true; // the try's answer decides
				}
				else if (putter.uncertain && !putter.batch) {
					// a try went unanswered: ask the store whether it was accepted before
					// saying it was not; out of the line first, so that no other try of
					// it is sent meanwhile (an answer to it would find the put answered,
					// take it for withdrawn, and retract the job)
					putter.expired = true;
					this.room.forget(putter, fx);
					Tries.PutTry lookUp = preparePut(putter, true, false);
					fx.add(() -> send(lookUp));
				}
				else if (putter.uncertain) {
					this.room.forget(putter, fx);
					this.room.fail(putter,
							new BackendUnavailableException("queue " + this.room.name
									+ ": the store did not answer a try of this batch; it may have been accepted",
									null),
							fx);
				}
				else {
					this.room.forget(putter, fx);
					this.room.answer(putter, new PutOutcome.Full(), fx);
				}
			}
			else if (waiter instanceof TakeWaiter taker) {
				this.room.forget(taker, fx);
				this.room.answer(taker, new TakeOutcome.Empty(), fx);
			}
			else {
				@SuppressWarnings("unchecked")
				Waiter<Boolean> joiner = (Waiter<Boolean>) waiter;
				this.room.joiners.remove(joiner);
				fx.settle(joiner, false);
			}
		}
		finally {
			this.room.lock.unlock();
		}
		fx.run();
	}

	/**
	 * Withdraws a parked operation whose future is being cancelled. A put whose try is in
	 * flight may be accepted by it: the withdrawal waits for the try's answer (at most
	 * the store's try timeout), so that a put withdrawn was never accepted and one
	 * accepted answers {@code false}. On a thread that must not wait for the store, the
	 * put is withdrawn at once and its job retracted if it was accepted.
	 */
	boolean withdraw(Waiter<?> waiter) {
		long deadline = System.nanoTime() + this.store.tryTimeout().toNanos();
		boolean mayWait = this.store.mayWait();
		for (;;) {
			CompletableFuture<Void> attempt = null;
			Effects fx = this.room.effects();
			this.room.lock.lock();
			try {
				if (waiter instanceof PutWaiter putter && putter.inFlight && putter.isWaiting() && mayWait
						&& System.nanoTime() < deadline) {
					// decided with the same hold of the lock that withdraws, so that no
					// new try starts in between
					attempt = putter.attempt;
				}
				else {
					if (!waiter.withdraw()) {
						return false;
					}
					forgetWithdrawn(waiter, fx);
				}
			}
			finally {
				this.room.lock.unlock();
			}
			if (attempt == null) {
				fx.run();
				return true;
			}
			try {
				attempt.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				// the deadline has passed: the next round withdraws it at once
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				mayWait = false;
			}
		}
	}

	/** Takes a withdrawn waiter out of its line. Call only holding the lock. */
	private void forgetWithdrawn(Waiter<?> waiter, Effects fx) {
		assert this.room.lock.isHeldByCurrentThread();
		if (waiter instanceof PutWaiter putter) {
			boolean wasParked = putter.parked;
			this.room.forget(putter, fx);
			this.room.unreserve(putter, fx);
			if (wasParked && this.room.parkedPutters > 0) {
				// the line moved: the put behind it may fit where it did not (a batch
				// ahead needed more room)
				fx.add(() -> pump(false, true));
			}
		}
		else if (waiter instanceof TakeWaiter taker) {
			this.room.forget(taker, fx);
		}
		else {
			this.room.joiners.remove(waiter);
			fx.cancel(waiter.deadline());
		}
		WaitKind kind = waiter.kind();
		if (kind != null) {
			Duration waited = waiter.waited(this.room.scheduler.now());
			fx.add(() -> this.room.listener.waitEnded(this.room.name, kind, waited, "cancelled"));
		}
	}

	/**
	 * Gives back jobs that reached no consumer: to the head, in their order, the attempt
	 * not counted.
	 */
	void handBack(List<Delivery> deliveries) {
		List<Delivery> restore = new ArrayList<>();
		List<Settle> releases = new ArrayList<>();
		for (Delivery delivery : deliveries) {
			if (delivery.leaseId() != null) {
				releases.add(Settle.release(delivery.leaseId()));
			}
			else {
				restore.add(delivery);
			}
		}
		if (!releases.isEmpty()) {
			// the head in their order: released one after another, last first
			settle(releases.reversed());
		}
		if (!restore.isEmpty()) {
			call(this.store.restore(restore)).whenComplete((answer, failed) -> {
				if (failed != null) {
					log.log(System.Logger.Level.ERROR,
							"queue " + this.room.name + ": jobs settled at delivery that reached no consumer could "
									+ "not be put back: " + restore.stream().map(Delivery::jobId).toList(),
							failed);
				}
				else {
					restore.forEach((delivery) -> this.room.listener.released(this.room.name));
				}
			});
		}
	}

	/**
	 * Settles leases at the store and tells the listener what came of them; a queue
	 * deleted meanwhile holds none.
	 */
	CompletableFuture<List<Settled>> settle(List<Settle> settlements) {
		return call(this.store.settle(settlements)).thenApply((answer) -> {
			List<Settled> outcomes = answer.missing() ? settlements.stream().map((s) -> Settled.NOT_HELD).toList()
					: answer.value();
			tellSettled(settlements, outcomes);
			return outcomes;
		});
	}

	/** Tells the listener what settlements did. */
	private void tellSettled(List<Settle> settlements, List<Settled> outcomes) {
		for (int i = 0; i < settlements.size(); i++) {
			if (!outcomes.get(i).held()) {
				continue;
			}
			switch (settlements.get(i).action()) {
				case ACK -> this.room.listener.acked(this.room.name);
				case NACK -> this.room.listener.nacked(this.room.name);
				case RELEASE -> this.room.listener.released(this.room.name);
				case EXTEND -> {
				}
			}
		}
	}

	// ---- talking to the store

	/**
	 * Acts on the state an operation left; fails with {@link BackendUnavailableException}
	 * when the store failed.
	 */
	<T> CompletableFuture<StoreAnswer<T>> call(CompletableFuture<StoreAnswer<T>> operation) {
		return operation.handle((answer, failure) -> {
			if (failure != null) {
				throw failureOf(failure);
			}
			Effects fx = this.room.effects();
			this.room.lock.lock();
			try {
				if (answer.missing()) {
					markDeleted(true, fx);
				}
				else {
					react(answer.state(), fx);
				}
			}
			finally {
				this.room.lock.unlock();
			}
			fx.run();
			return answer;
		});
	}

	/** Starts a store operation; one that throws is a failed one. */
	private static <T> CompletableFuture<T> send(Supplier<CompletableFuture<T>> operation) {
		try {
			return operation.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	RuntimeException failureOf(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof BackendUnavailableException unavailable) {
			return unavailable;
		}
		return new BackendUnavailableException(
				"the store failed for queue " + this.room.name + ": " + cause.getMessage(), cause);
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

}
