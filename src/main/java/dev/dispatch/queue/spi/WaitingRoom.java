package dev.dispatch.queue.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.Ids;
import dev.dispatch.queue.job.JobInfo;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueArguments;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueDeletedException;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.Settled;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;

/**
 * A {@link JobQueue} made of a {@link QueueStore} and the requests of this process that
 * wait on it: every backend's queue. The store keeps the jobs; the room parks the puts,
 * takes and joins that must wait, serves them in order, times them out, withdraws them,
 * and decides when to try them again and which take a put's job goes to.
 *
 * @param <S> the store
 */
public final class WaitingRoom<S extends QueueStore> implements JobQueue, Waiter.Owner, StoreEvents {

	/*-
	 * Design notes.
	 *
	 * The queue's jobs, leases and settings live in the store; every change there is one
	 * atomic store operation, answered with the queue's state after it (QueueState). A
	 * store may be in this process (answering at once) or shared with other processes
	 * (answering later, on its own threads); the room works the same way for both.
	 *
	 * What lives here are the waiting requests of this process: puts, takes and joins,
	 * each a Waiter, in insertion-ordered sets guarded by lock, with the flags of the two
	 * pumps. A put or take is first tried at once ("fresh"). If the queue is full (empty)
	 * and the caller may wait, the waiter is marked parked, and only then does its wait's
	 * timer start, for what is left of the wait. Parked waiters are served by a pump, one
	 * try at a time, oldest first: so FIFO among parked requests is strict within one
	 * room. A fresh request that finds parked ones of its kind does not try at all: it
	 * joins the line (a keyed put first looks its key up, so a repeated key answers at
	 * once).
	 *
	 * Waking: every store answer is fed to react(), which pumps parked takes when jobs are
	 * ready, parked puts when there is room, answers puts when the queue is closed, takes
	 * when it is drained and joins when nothing is unfinished, and schedules a look for
	 * the store's next due time. A store shared with other processes nudges the room when
	 * another process changed the queue, and the room rechecks every recheck period while
	 * requests are parked (such wake-ups may be lost). A nudge, or a react() that wants a
	 * pump, while a try is in flight is counted in `wakes`: a try that finds nothing tries
	 * again if the count grew meanwhile, so no wake-up is lost between a try and its
	 * answer, whichever thread handles which answer first. Only the oldest parked take is
	 * tried or handed jobs (FIFO).
	 *
	 * Hand-off: a put's try names the take its job goes to, if any: the oldest parked take
	 * with no try in flight, or else a fresh take whose own first try was sent before (it
	 * is then handed jobs only if none are ready: that try found none). Jobs for a take
	 * already answered, or handed twice, go back to the head, their attempt not counted
	 * (handBack).
	 *
	 * Races with the caller: a waiter leaves WAITING exactly once, under the lock. A take
	 * withdrawn or timed out while a try is in flight is answered at once; jobs the try
	 * then receives are handed back. Withdrawing a put whose try is in flight first waits
	 * for that try's answer (bounded by the store's try timeout): an accepted put then
	 * cannot be withdrawn. Past the timeout, or on a thread that must not wait (the
	 * store's own), the put is withdrawn at once and an accepted job is retracted (by its
	 * lease if the same try handed it to a take here) unless a consumer already took it.
	 * A put whose wait elapses while in flight gets the try's true outcome.
	 *
	 * Pumps run in a loop on whichever thread asked for them; a pump asked for while the
	 * loop runs (an answer that came at once, on the same thread) is picked up by the
	 * loop instead of recursing, so a store that answers at once serves a long line of
	 * parked requests without growing the stack.
	 *
	 * Decided under the lock, done after it (Effects): no future is completed, no
	 * listener called and no store operation started while the lock is held.
	 *
	 * Parts: the room's state and the steps of a waiter's life are RoomState; trying
	 * requests and acting on the answers (the tries, the pumps, react, deletion) is the
	 * Usher; the timers that look at the store unasked are the Watch. This class is the
	 * queue's face: it takes requests in and passes the rest on.
	 *
	 * Visibility: all fields below are read and written under lock; futures complete after
	 * the unlock, on the thread that decided, so whoever observes a completion observes
	 * the change behind it.
	 */

	private final S store;

	private final RoomState room;

	private final Usher usher;

	/**
	 * @param name the queue's name
	 * @param scheduler time, and the timers of waits and looks
	 * @param listener told of everything that happens in the queue, through this room
	 * @param store makes the store, given what it may tell the room
	 */
	public WaitingRoom(String name, Scheduler scheduler, QueueListener listener, Function<StoreEvents, S> store) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(scheduler, "scheduler");
		Objects.requireNonNull(listener, "listener");
		this.store = Objects.requireNonNull(store.apply(this), "store");
		this.room = new RoomState(name, scheduler, listener, this.store, this::waitElapsed, this::handBack);
		this.usher = new Usher(this.room);
		this.room.watch = new Watch(this.room.lock, scheduler, this.store, this.room::anyParked, this::look,
				this::nudge);
	}

	@Override
	public String name() {
		return this.room.name;
	}

	// the state's timers and completions reach the usher through these, made after it
	private void waitElapsed(Waiter<?> waiter) {
		this.usher.waitElapsed(waiter);
	}

	private void handBack(List<Delivery> deliveries) {
		this.usher.handBack(deliveries);
	}

	/** The store behind the room. */
	public S store() {
		return this.store;
	}

	// ---- operations

	@Override
	public CompletableFuture<PutOutcome> put(Payload payload, PutOptions options) {
		Objects.requireNonNull(payload, "payload");
		Objects.requireNonNull(options, "options");
		NewJob job = new NewJob(payload, options.idempotencyKey(), options.delay(), options.trace(), options.lane());
		return offer(new PutWaiter(this, this.room.scheduler.now(), List.of(job), List.of(Ids.newJobId()), false,
				options.maxWait()));
	}

	@Override
	public CompletableFuture<PutOutcome> putAll(List<NewJob> jobs, Duration maxWait) {
		List<NewJob> all = List.copyOf(jobs);
		if (all.isEmpty()) {
			throw new IllegalArgumentException("a batch needs at least one job");
		}
		QueueArguments.requireWait(maxWait);
		List<String> ids = new ArrayList<>(all.size());
		for (int i = 0; i < all.size(); i++) {
			ids.add(Ids.newJobId());
		}
		return offer(new PutWaiter(this, this.room.scheduler.now(), all, List.copyOf(ids), true, maxWait));
	}

	/** Tries a put at once, or has it join the line of parked ones. */
	private CompletableFuture<PutOutcome> offer(PutWaiter putter) {
		Effects fx = this.room.effects();
		Tries.PutTry attempt = null;
		Tries.PutTry lookUp = null;
		this.room.lock.lock();
		try {
			if (this.room.deleted && this.room.deletedElsewhere) {
				this.room.putters.add(putter);
				fx.add(() -> this.usher.redirect(List.of(putter)));
			}
			else if (this.room.deleted) {
				this.room.answer(putter, new PutOutcome.Closed(), fx);
			}
			else if (this.room.parkedPutters > 0) {
				// behind the parked ones, holding its bytes as they do
				boolean fits = this.store.reserve(putter.bytes());
				if (!fits && putter.key() == null) {
					this.room.answer(putter, new PutOutcome.StorageFull(), fx);
				}
				else if (fits && putter.key() == null && putter.maxWait.isZero()) {
					fx.add(() -> this.store.unreserve(putter.bytes()));
					this.room.answer(putter, new PutOutcome.Full(), fx);
				}
				else {
					putter.reserved = fits ? putter.bytes() : 0;
					putter.refusedStorage = !fits;
					this.room.putters.add(putter);
					this.room.markParked(putter);
					if (putter.key() != null) {
						lookUp = this.usher.preparePut(putter, true, false);
					}
				}
			}
			else {
				this.room.putters.add(putter);
				// its wait's timer starts if the try finds the queue full
				putter.startAttempt();
				putter.future().startFirstTry();
				attempt = this.usher.preparePut(putter, false, false);
			}
		}
		finally {
			this.room.lock.unlock();
		}
		fx.run();
		if (attempt != null) {
			this.usher.send(attempt);
		}
		if (lookUp != null) {
			this.usher.send(lookUp);
		}
		return putter.future();
	}

	@Override
	public CompletableFuture<TakeOutcome> take(TakeOptions options) {
		Objects.requireNonNull(options, "options");
		TakeWaiter taker = new TakeWaiter(this, this.room.scheduler.now(), options, List.of());
		Effects fx = this.room.effects();
		Tries.TakeTry attempt = null;
		this.room.lock.lock();
		try {
			if (this.room.deleted && this.room.deletedElsewhere) {
				this.room.takers.add(taker);
				fx.add(() -> this.usher.redirect(List.of(taker)));
			}
			else if (this.room.deleted) {
				this.room.answer(taker, new TakeOutcome.Drained(), fx);
			}
			else if (this.room.parkedTakers > 0 && options.maxWait().isZero()) {
				this.room.answer(taker, new TakeOutcome.Empty(), fx);
			}
			else {
				this.room.takers.add(taker);
				if (this.room.parkedTakers > 0) {
					this.room.markParked(taker);
				}
				else {
					// its wait's timer starts if the try finds nothing
					taker.inFlight++;
					taker.future().startFirstTry();
					attempt = this.usher.prepareTake(taker, false);
				}
			}
		}
		finally {
			this.room.lock.unlock();
		}
		fx.run();
		if (attempt != null) {
			this.usher.send(attempt);
		}
		return taker.future();
	}

	@Override
	public CompletableFuture<TakeOutcome> settleAndTake(List<Settle> settlements, TakeOptions options) {
		Objects.requireNonNull(options, "options");
		List<Settle> all = List.copyOf(settlements);
		if (all.isEmpty()) {
			return take(options);
		}
		TakeWaiter taker = new TakeWaiter(this, this.room.scheduler.now(), options, all);
		Tries.TakeTry attempt = null;
		this.room.lock.lock();
		try {
			// tried at once unless it would pass parked takes (or the queue is gone)
			if (!this.room.deleted && this.room.parkedTakers == 0) {
				this.room.takers.add(taker);
				taker.inFlight++;
				taker.future().startFirstTry();
				attempt = this.usher.prepareTake(taker, false);
			}
		}
		finally {
			this.room.lock.unlock();
		}
		if (attempt != null) {
			this.usher.send(attempt);
		}
		else {
			// the settlements now, then the take joins the line behind the parked ones
			this.usher.settle(all).whenComplete((settled, failure) -> this.usher.joinLine(taker, settled, failure));
		}
		return taker.future();
	}

	@Override
	public CompletableFuture<Boolean> ack(String leaseId) {
		return settleOne(Settle.ack(leaseId)).thenApply(Settled::held);
	}

	@Override
	public CompletableFuture<Boolean> nack(String leaseId, Duration delay) {
		return settleOne(Settle.nack(leaseId, delay)).thenApply(Settled::held);
	}

	@Override
	public CompletableFuture<Optional<Instant>> extend(String leaseId, Duration by) {
		return settleOne(Settle.extend(leaseId, by))
			.thenApply((settled) -> Optional.ofNullable(settled.leaseExpiresAt()));
	}

	@Override
	public CompletableFuture<Boolean> release(String leaseId) {
		return settleOne(Settle.release(leaseId)).thenApply(Settled::held);
	}

	private CompletableFuture<Settled> settleOne(Settle settlement) {
		return settle(List.of(settlement)).thenApply(List::getFirst);
	}

	@Override
	public CompletableFuture<List<Settled>> settle(List<Settle> settlements) {
		List<Settle> all = List.copyOf(settlements);
		if (all.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		return this.usher.settle(all);
	}

	@Override
	public CompletableFuture<Integer> close(CloseMode mode) {
		Objects.requireNonNull(mode, "mode");
		return this.usher.call(this.store.close(mode)).thenApply((answer) -> answer.missing() ? 0 : answer.value());
	}

	@Override
	public CompletableFuture<Boolean> join(Duration wait) {
		QueueArguments.requireWait(wait);
		Waiter<Boolean> joiner = new Waiter<>(this, this.room.scheduler.now(), null);
		Effects fx = this.room.effects();
		this.room.lock.lock();
		try {
			if (this.room.deleted) {
				fx.fail(joiner, new QueueDeletedException(this.room.name));
			}
			else {
				this.room.joiners.add(joiner);
				this.room.startTimer(joiner, wait);
			}
		}
		finally {
			this.room.lock.unlock();
		}
		fx.run();
		if (!joiner.future().isDone()) {
			// the answer's state answers the join if nothing is unfinished; a zero wait
			// ends here
			this.usher.call(this.store.look()).whenComplete((answer, failure) -> {
				if (failure != null) {
					answerJoin(joiner, null, this.usher.failureOf(failure));
				}
				else if (wait.isZero()) {
					answerJoin(joiner, false, null);
				}
			});
		}
		return joiner.future();
	}

	/** Answers a join still waiting: {@code outcome}, or {@code failure} if not null. */
	private void answerJoin(Waiter<Boolean> joiner, Boolean outcome, RuntimeException failure) {
		Effects fx = this.room.effects();
		this.room.lock.lock();
		try {
			if (joiner.isWaiting()) {
				this.room.joiners.remove(joiner);
				fx.cancel(joiner.deadline());
				if (failure != null) {
					fx.fail(joiner, failure);
				}
				else {
					fx.settle(joiner, outcome);
				}
			}
		}
		finally {
			this.room.lock.unlock();
		}
		fx.run();
	}

	@Override
	public CompletableFuture<Void> configure(QueueConfig config) {
		Objects.requireNonNull(config, "config");
		return this.usher.call(this.store.configure(config)).thenApply(this::present);
	}

	@Override
	public CompletableFuture<Boolean> pause() {
		return this.usher.call(this.store.pause(true)).thenApply(this::present);
	}

	@Override
	public CompletableFuture<Boolean> resume() {
		return this.usher.call(this.store.pause(false)).thenApply(this::present);
	}

	@Override
	public CompletableFuture<Integer> purge() {
		return this.usher.call(this.store.purge()).thenApply((answer) -> {
			int purged = present(answer);
			if (purged > 0) {
				this.room.listener.discarded(this.room.name, purged);
			}
			return purged;
		});
	}

	@Override
	public CompletableFuture<Optional<JobInfo>> job(String id) {
		Objects.requireNonNull(id, "id");
		return this.usher.call(this.store.job(id)).thenApply(this::present);
	}

	@Override
	public CompletableFuture<List<JobInfo>> jobs(JobInfo.State state, String after, int limit) {
		Objects.requireNonNull(state, "state");
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, got " + limit);
		}
		return this.usher.call(this.store.jobs(state, after, limit)).thenApply(this::present);
	}

	@Override
	public CompletableFuture<QueueSnapshot> snapshot() {
		return this.usher.call(this.store.look()).thenApply((answer) -> {
			StoreLook look = present(answer);
			QueueState state = answer.state();
			this.room.lock.lock();
			try {
				return new QueueSnapshot(this.room.name, look.config(), (int) state.ready(), (int) state.delayed(),
						(int) state.inFlight(), this.room.parkedPutters, this.room.parkedTakers, state.closed(),
						state.drained(), look.oldestReadyAt(), state.paused(), look.groups(), look.largestGroups(),
						state.rateLimited(), state.groupLimited());
			}
			finally {
				this.room.lock.unlock();
			}
		});
	}

	/**
	 * The value of an answer that must find the queue; through another process if not.
	 */
	private <T> T present(StoreAnswer<T> answer) {
		if (answer.missing()) {
			throw new QueueDeletedException(this.room.name);
		}
		return answer.value();
	}

	@Override
	public boolean withdraw(Waiter<?> waiter) {
		return this.usher.withdraw(waiter);
	}

	// ---- what the store, or its owner, tells the room

	@Override
	public void nudge() {
		boolean joins;
		this.room.lock.lock();
		try {
			this.room.wakes++;
			joins = !this.room.joiners.isEmpty();
		}
		finally {
			this.room.lock.unlock();
		}
		this.usher.pump(true, true);
		if (joins) {
			look();
		}
	}

	@Override
	public void look() {
		this.usher.call(this.store.look());
	}

	@Override
	public void learn(QueueState state) {
		Effects fx = this.room.effects();
		this.room.lock.lock();
		try {
			this.usher.react(state, fx);
		}
		finally {
			this.room.lock.unlock();
		}
		fx.run();
	}

	/** This process is about to delete the queue. */
	public void deleting() {
		this.room.lock.lock();
		try {
			this.room.deletingHere = true;
		}
		finally {
			this.room.lock.unlock();
		}
	}

	/**
	 * The queue is gone: parked puts answer closed, takes drained, joins fail; timers are
	 * called off.
	 * @param elsewhere whether another process deleted it: puts and takes that have not
	 * parked are then made again on the queue that has the name now
	 */
	public void deleted(boolean elsewhere) {
		Effects fx = this.room.effects();
		this.room.lock.lock();
		try {
			this.usher.markDeleted(elsewhere, fx);
		}
		finally {
			this.room.lock.unlock();
		}
		fx.run();
	}

	/**
	 * Calls off this room's timers for good and answers its parked requests: the store's
	 * owner is closing. In-process callers (workers) are not left waiting: a take finds
	 * nothing, a put and a join fail as when the store cannot be reached.
	 */
	public void stop() {
		BackendUnavailableException closing = new BackendUnavailableException(
				"queue " + this.room.name + ": the service is shutting down", null);
		Effects fx = this.room.effects();
		this.room.lock.lock();
		try {
			this.room.watch.stop(fx);
			for (PutWaiter putter : List.copyOf(this.room.putters)) {
				if (putter.isWaiting()) {
					this.room.forget(putter, fx);
					this.room.fail(putter, closing, fx);
				}
			}
			for (TakeWaiter taker : List.copyOf(this.room.takers)) {
				if (taker.isWaiting()) {
					this.room.forget(taker, fx);
					this.room.answer(taker, new TakeOutcome.Empty(), fx);
				}
			}
			this.room.failJoins(closing, fx);
		}
		finally {
			this.room.lock.unlock();
		}
		fx.run();
	}

}
