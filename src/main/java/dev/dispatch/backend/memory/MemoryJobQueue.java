package dev.dispatch.backend.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.DeadLetter;
import dev.dispatch.queue.Delivery;
import dev.dispatch.queue.Ids;
import dev.dispatch.queue.JobInfo;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.NewJob;
import dev.dispatch.queue.Payload;
import dev.dispatch.queue.PutOptions;
import dev.dispatch.queue.PutOutcome;
import dev.dispatch.queue.QueueArguments;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueDeletedException;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueListener.WaitKind;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.Settle;
import dev.dispatch.queue.Settled;
import dev.dispatch.queue.Redrive;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.TakeOptions;
import dev.dispatch.queue.TakeOutcome;
import dev.dispatch.queue.spi.Effects;
import dev.dispatch.queue.spi.Waiter;

/**
 * A {@link JobQueue} held in this JVM's memory. Fast, and gone when the process ends: use
 * it for one replica, or where losing queued jobs on a crash is acceptable.
 */
public final class MemoryJobQueue implements JobQueue, Waiter.Owner {

	/*
	 * Design notes.
	 *
	 * One ReentrantLock guards all mutable state of the queue: the ready deque, the
	 * delayed and leased jobs, the three sets of parked waiters, the idempotency keys,
	 * the configuration and the closed/purging/deleted flags. Operations are short and
	 * never block while holding it.
	 *
	 * Every operation has the same shape: lock; decide; record what must happen as a
	 * consequence (completing futures, calling the listener, forwarding dead letters,
	 * calling off timers) in an Effects list; unlock; run the effects. No future is
	 * completed and no listener or other queue is called while the lock is held, so
	 * dependent stages never run under our lock, and two queues that dead-letter into
	 * each other cannot deadlock.
	 *
	 * Parked operations are Waiters (queue.spi), kept in insertion-ordered sets (FIFO,
	 * O(1) removal on timeout or cancel). A waiter leaves WAITING exactly once, under the
	 * lock: settled (hand-off, wait elapsed, closed, drained) or withdrawn (its future
	 * was cancelled). The outcome is fixed when the waiter settles and its future is
	 * completed after the unlock; a cancel in between finds the outcome fixed and gets
	 * it. So a hand-off happens exactly once: a job given to a take is never lost to a
	 * racing cancel or timeout. Should a take's future be completed some other way all
	 * the same, its jobs go back to the head of the queue without counting the attempt
	 * (handBack).
	 *
	 * rebalance() restores the invariants after every change: - takers parked => nothing
	 * ready, or delivery paused (a parked taker takes ready jobs, oldest taker first); -
	 * putters parked => ready + delayed >= capacity, and no taker parked unless delivery
	 * is paused or the oldest putter's job is delayed (a parked putter is admitted,
	 * oldest first, straight into a parked taker or into free room; a delayed job needs
	 * room, as it rests in the queue); - drained => no taker parked (they are answered
	 * drained); - nothing unfinished => no join parked. A fresh put or take joins the
	 * tail of its set and then runs rebalance(), so it can never overtake an older parked
	 * one. Requeued jobs (nack, expiry, release, a nacked job falling due) go to the head
	 * of ready regardless of capacity; puts then wait until the queue falls below
	 * capacity. A delayed put falling due joins the tail of ready (it held its room all
	 * along).
	 *
	 * Visibility: every read and write of shared state happens under the lock, and
	 * futures are completed after the unlock by the thread that made the change, so a
	 * thread that observes a completion also observes the state change behind it.
	 */

	/** Where jobs that leave this queue for a dead-letter queue are sent. */
	@FunctionalInterface
	interface DeadLetterSink {

		/**
		 * Places {@code jobs} on the queue named {@code queue}; never blocks, never
		 * drops.
		 */
		void accept(String queue, List<Job> jobs);

	}

	private final String name;

	private final Scheduler scheduler;

	private final QueueListener listener;

	private final DeadLetterSink deadLetters;

	/**
	 * Payload bytes shared with the other queues of the registry: this queue charges the
	 * jobs it holds and its parked puts.
	 */
	private final PayloadBudget budget;

	/** How long an idempotency key stays known after its put was accepted. */
	private final Duration dedupWindow;

	private final ReentrantLock lock = new ReentrantLock();

	/** Guarded by lock. */
	private QueueConfig config;

	/** Jobs ready for a consumer, next one first. Guarded by lock. */
	private final ArrayDeque<Job> ready = new ArrayDeque<>();

	/**
	 * Every job this queue holds (ready, delayed or leased), by id, for looking jobs up.
	 * Guarded by lock.
	 */
	private final Map<String, Job> jobs = new HashMap<>();

	/**
	 * Jobs put or nacked with a delay, each with the timer that readies it. Guarded by
	 * lock.
	 */
	private final Map<Job, Scheduler.Cancellable> delayed = new HashMap<>();

	/** Jobs held by consumers, by lease id. Guarded by lock. */
	private final Map<String, Lease> leases = new HashMap<>();

	/** Parked puts, oldest first. Guarded by lock. */
	private final LinkedHashSet<PutWaiter> putters = new LinkedHashSet<>();

	/** Parked takes, oldest first. Guarded by lock. */
	private final LinkedHashSet<TakeWaiter> takers = new LinkedHashSet<>();

	/** Parked joins. Guarded by lock. */
	private final LinkedHashSet<JoinWaiter> joiners = new LinkedHashSet<>();

	/**
	 * Accepted idempotency keys, oldest first (so expired ones are at the head). Guarded
	 * by lock.
	 */
	private final LinkedHashMap<String, KnownKey> knownKeys = new LinkedHashMap<>();

	/** Set by close; never unset. Guarded by lock. */
	private boolean closed;

	/** Whether delivery is paused: no job goes to a take. Guarded by lock. */
	private boolean paused;

	/**
	 * Set by an immediate close: waiting and failing jobs go to the dead-letter queue.
	 * Guarded by lock.
	 */
	private boolean purging;

	/**
	 * Set when the registry deleted the queue; implies closed and purging. Guarded by
	 * lock.
	 */
	private boolean deleted;

	MemoryJobQueue(String name, QueueConfig config, Scheduler scheduler, QueueListener listener,
			DeadLetterSink deadLetters, Duration dedupWindow, PayloadBudget budget) {
		this.name = name;
		this.budget = budget;
		this.config = config;
		this.scheduler = scheduler;
		this.listener = listener;
		this.deadLetters = deadLetters;
		this.dedupWindow = dedupWindow;
	}

	@Override
	public String name() {
		return this.name;
	}

	// ---- operations

	@Override
	public CompletableFuture<PutOutcome> put(Payload payload, PutOptions options) {
		Objects.requireNonNull(payload, "payload");
		Objects.requireNonNull(options, "options");
		PutWaiter putter = new PutWaiter(this, this.scheduler.now(), payload, options.idempotencyKey(), Ids.newJobId(),
				options.delay());
		QueueEffects fx = new QueueEffects();
		this.lock.lock();
		try {
			PutOutcome.Accepted duplicate = knownKey(putter.key);
			if (duplicate != null) {
				settle(putter, duplicate, fx);
			}
			else if (this.closed) {
				reject(putter, new PutOutcome.Closed(), fx);
			}
			else if (!this.budget.tryReserve(payload.size())) {
				reject(putter, new PutOutcome.StorageFull(), fx);
			}
			else {
				putter.reserved = payload.size();
				this.putters.add(putter);
				rebalance(fx);
				if (putter.isWaiting()) {
					if (options.maxWait().isZero()) {
						this.putters.remove(putter);
						reject(putter, new PutOutcome.Full(), fx);
					}
					else {
						park(putter, options.maxWait());
					}
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		return putter.future();
	}

	@Override
	public CompletableFuture<PutOutcome> putAll(List<NewJob> jobs, Duration maxWait) {
		List<NewJob> all = List.copyOf(jobs);
		if (all.isEmpty()) {
			throw new IllegalArgumentException("a batch needs at least one job");
		}
		QueueArguments.requireWait(maxWait);
		List<String> ids = new ArrayList<>(all.size());
		long bytes = 0;
		for (NewJob job : all) {
			ids.add(Ids.newJobId());
			bytes += job.payload().size();
		}
		PutWaiter putter = new PutWaiter(this, this.scheduler.now(), all, ids);
		QueueEffects fx = new QueueEffects();
		this.lock.lock();
		try {
			if (newJobs(putter) == 0) {
				admitBatch(putter, fx);
			}
			else if (this.closed) {
				reject(putter, new PutOutcome.Closed(), fx);
			}
			else if (!this.budget.tryReserve(bytes)) {
				reject(putter, new PutOutcome.StorageFull(), fx);
			}
			else {
				putter.reserved = bytes;
				this.putters.add(putter);
				rebalance(fx);
				if (putter.isWaiting()) {
					if (maxWait.isZero()) {
						this.putters.remove(putter);
						reject(putter, new PutOutcome.Full(), fx);
					}
					else {
						park(putter, maxWait);
					}
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		return putter.future();
	}

	@Override
	public CompletableFuture<TakeOutcome> take(TakeOptions options) {
		Objects.requireNonNull(options, "options");
		TakeWaiter taker = new TakeWaiter(this, this.scheduler.now(), options);
		QueueEffects fx = new QueueEffects();
		this.lock.lock();
		try {
			if (isDrained()) {
				settle(taker, new TakeOutcome.Drained(), fx);
			}
			else {
				this.takers.add(taker);
				rebalance(fx);
				if (taker.isWaiting()) {
					if (options.maxWait().isZero()) {
						this.takers.remove(taker);
						settle(taker, new TakeOutcome.Empty(), fx);
					}
					else {
						park(taker, options.maxWait());
					}
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
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
		QueueEffects fx = new QueueEffects();
		Settled settled;
		this.lock.lock();
		try {
			settled = settleLocked(settlement, fx);
			rebalance(fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		return CompletableFuture.completedFuture(settled);
	}

	@Override
	public CompletableFuture<List<Settled>> settle(List<Settle> settlements) {
		List<Settle> all = List.copyOf(settlements);
		QueueEffects fx = new QueueEffects();
		List<Settled> outcomes = new ArrayList<>(all.size());
		this.lock.lock();
		try {
			for (Settle settlement : all) {
				outcomes.add(settleLocked(settlement, fx));
			}
			rebalance(fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		return CompletableFuture.completedFuture(outcomes);
	}

	/**
	 * Acks, nacks, extends or releases one lease; the caller rebalances after.
	 */
	private Settled settleLocked(Settle settlement, QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (settlement.action() == Settle.Action.EXTEND) {
			Lease lease = this.leases.get(settlement.leaseId());
			if (lease == null) {
				return Settled.NOT_HELD;
			}
			Duration length = (settlement.duration() != null) ? settlement.duration() : this.config.leaseTimeout();
			fx.cancel(lease.expiry);
			lease.expiresAt = this.scheduler.now().plus(length);
			lease.expiry = this.scheduler.schedule(length, () -> expire(lease));
			return new Settled(true, lease.expiresAt);
		}
		Lease lease = this.leases.remove(settlement.leaseId());
		if (lease == null) {
			return Settled.NOT_HELD;
		}
		fx.cancel(lease.expiry);
		switch (settlement.action()) {
			case ACK -> {
				forget(lease.job);
				fx.add(() -> this.listener.acked(this.name));
			}
			case NACK -> {
				fx.add(() -> this.listener.nacked(this.name));
				requeueFailed(lease.job, settlement.duration(), fx);
			}
			default -> requeueUndelivered(lease.job, fx);
		}
		return Settled.DONE;
	}

	@Override
	public CompletableFuture<Integer> close(CloseMode mode) {
		Objects.requireNonNull(mode, "mode");
		QueueEffects fx = new QueueEffects();
		int purged = 0;
		this.lock.lock();
		try {
			closeLocked(fx);
			if (mode == CloseMode.IMMEDIATE && !this.purging) {
				this.purging = true;
				purged = purgeWaitingJobs(fx);
			}
			rebalance(fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		return CompletableFuture.completedFuture(purged);
	}

	@Override
	public CompletableFuture<Boolean> join(Duration wait) {
		QueueArguments.requireWait(wait);
		JoinWaiter joiner = new JoinWaiter(this, this.scheduler.now());
		QueueEffects fx = new QueueEffects();
		this.lock.lock();
		try {
			if (this.deleted) {
				fail(joiner, new QueueDeletedException(this.name), fx);
			}
			else if (unfinished() == 0) {
				settle(joiner, true, fx);
			}
			else if (wait.isZero()) {
				settle(joiner, false, fx);
			}
			else {
				this.joiners.add(joiner);
				park(joiner, wait);
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		return joiner.future();
	}

	@Override
	public CompletableFuture<Void> configure(QueueConfig config) {
		Objects.requireNonNull(config, "config");
		return change((fx) -> {
			this.config = config;
			return null;
		});
	}

	@Override
	public CompletableFuture<Boolean> pause() {
		return setPaused(true);
	}

	@Override
	public CompletableFuture<Boolean> resume() {
		return setPaused(false);
	}

	private CompletableFuture<Boolean> setPaused(boolean paused) {
		return change((fx) -> {
			boolean changed = this.paused != paused;
			this.paused = paused;
			return changed;
		});
	}

	@Override
	public CompletableFuture<Integer> purge() {
		return change((fx) -> {
			int purged = discardWaitingJobs(fx);
			if (purged > 0) {
				fx.add(() -> this.listener.discarded(this.name, purged));
			}
			return purged;
		});
	}

	/**
	 * Makes an operator's change under the lock, then restores the invariants; fails if
	 * the queue was deleted.
	 */
	private <T> CompletableFuture<T> change(Function<QueueEffects, T> change) {
		QueueEffects fx = new QueueEffects();
		T result;
		this.lock.lock();
		try {
			if (this.deleted) {
				return CompletableFuture.failedFuture(new QueueDeletedException(this.name));
			}
			result = change.apply(fx);
			rebalance(fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		return CompletableFuture.completedFuture(result);
	}

	@Override
	public CompletableFuture<List<JobInfo>> jobs(JobInfo.State state, String after, int limit) {
		Objects.requireNonNull(state, "state");
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, got " + limit);
		}
		this.lock.lock();
		try {
			// the limit smallest ids after the cursor: a heap of the largest kept so far
			PriorityQueue<Job> page = new PriorityQueue<>(Comparator.comparing((Job job) -> job.id).reversed());
			for (Job job : jobsIn(state)) {
				if (after == null || job.id.compareTo(after) > 0) {
					page.add(job);
					if (page.size() > limit) {
						page.poll();
					}
				}
			}
			List<Job> sorted = new ArrayList<>(page);
			sorted.sort(Comparator.comparing((Job job) -> job.id));
			return CompletableFuture.completedFuture(sorted.stream().map(this::info).toList());
		}
		finally {
			this.lock.unlock();
		}
	}

	private Iterable<Job> jobsIn(JobInfo.State state) {
		return switch (state) {
			case READY -> this.ready;
			case DELAYED -> this.delayed.keySet();
			case LEASED -> this.leases.values().stream().map((lease) -> lease.job).toList();
		};
	}

	@Override
	public CompletableFuture<Optional<JobInfo>> job(String id) {
		Objects.requireNonNull(id, "id");
		this.lock.lock();
		try {
			Job job = this.jobs.get(id);
			return CompletableFuture.completedFuture(Optional.ofNullable(job).map(this::info));
		}
		finally {
			this.lock.unlock();
		}
	}

	/** What an operator sees of a job this queue holds. */
	private JobInfo info(Job job) {
		assert this.lock.isHeldByCurrentThread();
		JobInfo.State state = JobInfo.State.READY;
		Instant readyAt = null;
		Instant leaseExpiresAt = null;
		if (this.delayed.containsKey(job)) {
			state = JobInfo.State.DELAYED;
			readyAt = job.dueAt;
		}
		else if (job.lease != null && this.leases.get(job.lease.id) == job.lease) {
			state = JobInfo.State.LEASED;
			leaseExpiresAt = job.lease.expiresAt;
		}
		return new JobInfo(job.id, job.payload, state, job.attempt, job.enqueuedAt, readyAt, leaseExpiresAt,
				job.deadLetter);
	}

	@Override
	public CompletableFuture<QueueSnapshot> snapshot() {
		this.lock.lock();
		try {
			assert this.deleted || this.jobs.size() == unfinished()
					: "job index holds " + this.jobs.size() + " of " + unfinished();
			Instant oldestReadyAt = null;
			for (Job job : this.ready) {
				if (oldestReadyAt == null || job.enqueuedAt.isBefore(oldestReadyAt)) {
					oldestReadyAt = job.enqueuedAt;
				}
			}
			return CompletableFuture.completedFuture(new QueueSnapshot(this.name, this.config, this.ready.size(),
					this.delayed.size(), this.leases.size(), this.putters.size(), this.takers.size(), this.closed,
					isDrained(), oldestReadyAt, this.paused));
		}
		finally {
			this.lock.unlock();
		}
	}

	// ---- used by the registry

	/**
	 * Places jobs arriving from another queue (dead letters, or redriven ones going home)
	 * at the tail, whatever the capacity or closed state of this queue, so that none is
	 * dropped and the sender never blocks.
	 * @return {@code false} if this queue was deleted: the sender must find the new one
	 */
	boolean acceptDeadLetters(List<Job> jobs) {
		QueueEffects fx = new QueueEffects();
		this.lock.lock();
		try {
			if (this.deleted) {
				return false;
			}
			for (Job job : jobs) {
				this.budget.charge(job.payload.size());
				this.jobs.put(job.id, job);
				this.ready.addLast(job);
				fx.add(() -> this.listener.enqueued(this.name));
			}
			rebalance(fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		return true;
	}

	/**
	 * The ready jobs {@code which} selects, oldest first, that came from another queue;
	 * they stay here.
	 */
	List<Job> redrivable(Redrive which) {
		this.lock.lock();
		try {
			List<Job> picked = new ArrayList<>();
			for (Job job : this.ready) {
				if (picked.size() >= which.max()) {
					break;
				}
				if (job.deadLetter != null && which.wants(job.id, job.deadLetter.queue())) {
					picked.add(job);
				}
			}
			return picked;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Takes {@code chosen} out of this queue for a redrive, those still ready: their
	 * bytes are released, and the caller places them elsewhere.
	 * @return the jobs taken, in queue order
	 */
	List<Job> takeForRedrive(List<Job> chosen) {
		QueueEffects fx = new QueueEffects();
		List<Job> taken = new ArrayList<>(chosen.size());
		this.lock.lock();
		try {
			Set<Job> wanted = Collections.newSetFromMap(new IdentityHashMap<>());
			wanted.addAll(chosen);
			for (Iterator<Job> it = this.ready.iterator(); it.hasNext();) {
				Job job = it.next();
				if (wanted.contains(job)) {
					it.remove();
					forget(job);
					taken.add(job);
				}
			}
			rebalance(fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		return taken;
	}

	/**
	 * Room for more jobs: capacity less ready and delayed, at least 0; none once closed.
	 */
	int room() {
		this.lock.lock();
		try {
			return (this.closed || this.deleted) ? 0
					: Math.max(0, this.config.capacity() - this.ready.size() - this.delayed.size());
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Deletes the queue: closes it, sends every job it still has (ready, delayed or
	 * leased) to the dead-letter queue — or, with {@code discard}, throws them away —
	 * answers parked puts closed, parked takes drained and parked joins with
	 * {@link QueueDeletedException}.
	 */
	void delete(boolean discard) {
		QueueEffects fx = new QueueEffects();
		this.lock.lock();
		try {
			if (this.deleted) {
				return;
			}
			closeLocked(fx);
			this.purging = true;
			this.deleted = true;
			if (discard) {
				discardWaitingJobs(fx);
			}
			else {
				purgeWaitingJobs(fx);
			}
			for (Lease lease : this.leases.values()) {
				fx.cancel(lease.expiry);
				if (discard) {
					forget(lease.job);
				}
				else {
					deadLetter(lease.job, DeadLetter.Reason.PURGED, fx);
				}
			}
			this.leases.clear();
			for (JoinWaiter joiner : this.joiners) {
				fx.cancel(joiner.deadline());
				fail(joiner, new QueueDeletedException(this.name), fx);
			}
			this.joiners.clear();
			rebalance(fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
	}

	// ---- state changes; call only when holding lock

	/**
	 * Restores the invariants listed in the design notes after any change of state.
	 */
	private void rebalance(QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		for (;;) {
			TakeWaiter taker = this.paused ? null : first(this.takers);
			if (taker != null && !this.ready.isEmpty()) {
				List<Job> jobs = new ArrayList<>(Math.min(taker.options.max(), this.ready.size()));
				while (jobs.size() < taker.options.max() && !this.ready.isEmpty()) {
					jobs.add(this.ready.pollFirst());
				}
				deliver(taker, jobs, false, fx);
				continue;
			}
			PutWaiter putter = first(this.putters);
			if (putter != null && putter.batch != null) {
				int needed = newJobs(putter);
				if (needed > this.config.capacity()) {
					// it could never fit: it must not hold up the puts behind it
					this.putters.remove(putter);
					fx.cancel(putter.deadline());
					reject(putter, new PutOutcome.Full(true), fx);
					continue;
				}
				if (needed == 0 || this.ready.size() + this.delayed.size() + needed <= this.config.capacity()) {
					admitBatch(putter, fx);
					continue;
				}
				break;
			}
			// a delayed job rests in the queue, so a parked take makes no room for it
			if (putter != null && ((taker != null && putter.delay.isZero()) || hasRoom())) {
				admit(putter, fx);
				continue;
			}
			break;
		}
		if (isDrained()) {
			for (TakeWaiter taker : this.takers) {
				fx.cancel(taker.deadline());
				settle(taker, new TakeOutcome.Drained(), fx);
			}
			this.takers.clear();
		}
		if (unfinished() == 0 && !this.joiners.isEmpty()) {
			for (JoinWaiter joiner : this.joiners) {
				fx.cancel(joiner.deadline());
				settle(joiner, true, fx);
			}
			this.joiners.clear();
		}
	}

	/**
	 * Accepts the oldest parked put: into the oldest parked take if there is one, else at
	 * the tail of ready; a delayed one among the delayed jobs. A key accepted meanwhile
	 * (a twin put parked alongside) creates nothing.
	 */
	private void admit(PutWaiter putter, QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		this.putters.remove(putter);
		fx.cancel(putter.deadline());
		PutOutcome.Accepted duplicate = knownKey(putter.key);
		if (duplicate != null) {
			releaseReservation(putter);
			settle(putter, duplicate, fx);
			return;
		}
		// the put's reserved bytes are the job's from now on
		putter.reserved = 0;
		Instant now = this.scheduler.now();
		Job job = new Job(putter.jobId, putter.payload, now, null);
		this.jobs.put(job.id, job);
		PutOutcome.Accepted accepted = new PutOutcome.Accepted(job.id, now, false);
		if (putter.key != null) {
			this.knownKeys.put(putter.key,
					new KnownKey(new PutOutcome.Accepted(job.id, now, true), now.plus(this.dedupWindow)));
		}
		fx.add(() -> this.listener.enqueued(this.name));
		settle(putter, accepted, fx);
		TakeWaiter taker = this.paused ? null : first(this.takers);
		if (putter.delay.isPositive()) {
			job.dueAt = now.plus(putter.delay);
			this.delayed.put(job, this.scheduler.schedule(putter.delay, () -> promote(job)));
		}
		else if (taker != null) {
			deliver(taker, List.of(job), true, fx);
		}
		else {
			this.ready.addLast(job);
		}
	}

	/**
	 * Accepts a parked batch: each job at the tail of ready (a delayed one among the
	 * delayed jobs), in order; a job whose key is known answers the original job. Parked
	 * takes are served from ready by the caller's rebalance.
	 */
	private void admitBatch(PutWaiter putter, QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		this.putters.remove(putter);
		fx.cancel(putter.deadline());
		Instant now = this.scheduler.now();
		List<PutOutcome.Accepted> outcomes = new ArrayList<>(putter.batch.size());
		long created = 0;
		for (int i = 0; i < putter.batch.size(); i++) {
			NewJob wanted = putter.batch.get(i);
			// an earlier job of this batch with the same key is known by now
			PutOutcome.Accepted duplicate = knownKey(wanted.idempotencyKey());
			if (duplicate != null) {
				outcomes.add(duplicate);
				continue;
			}
			created += wanted.payload().size();
			Job job = new Job(putter.batchIds.get(i), wanted.payload(), now, null);
			this.jobs.put(job.id, job);
			outcomes.add(new PutOutcome.Accepted(job.id, now, false));
			if (wanted.idempotencyKey() != null) {
				this.knownKeys.put(wanted.idempotencyKey(),
						new KnownKey(new PutOutcome.Accepted(job.id, now, true), now.plus(this.dedupWindow)));
			}
			fx.add(() -> this.listener.enqueued(this.name));
			if (wanted.delay().isPositive()) {
				job.dueAt = now.plus(wanted.delay());
				this.delayed.put(job, this.scheduler.schedule(wanted.delay(), () -> promote(job)));
			}
			else {
				this.ready.addLast(job);
			}
		}
		// the jobs hold exactly their bytes: a key known when the batch was offered may
		// have expired since (or the reverse), so the reservation is only a bound
		this.budget.release(putter.reserved);
		this.budget.charge(created);
		putter.reserved = 0;
		settle(putter, new PutOutcome.AcceptedAll(outcomes), fx);
	}

	/**
	 * How many jobs a batch would create now: those whose key is neither known nor
	 * repeated from an earlier job of the batch.
	 */
	private int newJobs(PutWaiter putter) {
		assert this.lock.isHeldByCurrentThread();
		int count = 0;
		Set<String> keys = null;
		for (NewJob job : putter.batch) {
			String key = job.idempotencyKey();
			if (key == null) {
				count++;
				continue;
			}
			if (keys == null) {
				keys = new HashSet<>();
			}
			if (keys.add(key) && knownKey(key) == null) {
				count++;
			}
		}
		return count;
	}

	/** Hands {@code jobs} to {@code taker}, leasing them unless it asked for auto-ack. */
	private void deliver(TakeWaiter taker, List<Job> jobs, boolean direct, QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		this.takers.remove(taker);
		fx.cancel(taker.deadline());
		Instant now = this.scheduler.now();
		TakeOptions options = taker.options;
		Duration leaseLength = (options.lease() != null) ? options.lease() : this.config.leaseTimeout();
		List<Delivery> deliveries = new ArrayList<>(jobs.size());
		List<String> leaseIds = new ArrayList<>(jobs.size());
		for (Job job : jobs) {
			job.attempt++;
			Duration sinceEnqueued = (job.attempt == 1) ? Duration.between(job.enqueuedAt, now) : null;
			fx.add(() -> this.listener.delivered(this.name, direct, sinceEnqueued));
			if (options.autoAck()) {
				forget(job);
				deliveries
					.add(new Delivery(null, job.id, job.payload, job.attempt, job.enqueuedAt, null, job.deadLetter));
				fx.add(() -> this.listener.acked(this.name));
			}
			else {
				Lease lease = new Lease(Ids.newLeaseId(), job, now.plus(leaseLength));
				job.lease = lease;
				lease.expiry = this.scheduler.schedule(leaseLength, () -> expire(lease));
				this.leases.put(lease.id, lease);
				leaseIds.add(lease.id);
				deliveries.add(new Delivery(lease.id, job.id, job.payload, job.attempt, job.enqueuedAt, lease.expiresAt,
						job.deadLetter));
			}
		}
		TakeOutcome.Delivered outcome = new TakeOutcome.Delivered(deliveries);
		taker.settle(outcome);
		Duration waited = taker.waited(now);
		fx.add(() -> {
			this.listener.waitEnded(this.name, WaitKind.TAKE, waited, outcome.label());
			if (!taker.finish()) {
				handBack(jobs, leaseIds);
			}
		});
	}

	/**
	 * A job whose lease failed (nack or expiry): back to the head, delayed, or
	 * dead-lettered. The caller rebalances after.
	 */
	private void requeueFailed(Job job, Duration delay, QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (job.attempt >= this.config.maxAttempts()) {
			deadLetter(job, DeadLetter.Reason.MAX_ATTEMPTS, fx);
		}
		else if (this.purging) {
			deadLetter(job, DeadLetter.Reason.PURGED, fx);
		}
		else if (delay.isPositive()) {
			job.dueAt = this.scheduler.now().plus(delay);
			this.delayed.put(job, this.scheduler.schedule(delay, () -> promote(job)));
		}
		else {
			this.ready.addFirst(job);
		}
	}

	/**
	 * A job delivered to a consumer that never got it: back to the head, attempt not
	 * counted.
	 */
	private void requeueUndelivered(Job job, QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		job.attempt--;
		fx.add(() -> this.listener.released(this.name));
		if (this.purging) {
			deadLetter(job, DeadLetter.Reason.PURGED, fx);
		}
		else {
			this.ready.addFirst(job);
		}
	}

	/**
	 * Sends a job to the dead-letter queue (after the unlock); it restarts there at
	 * attempt 0.
	 */
	private void deadLetter(Job job, DeadLetter.Reason reason, QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		forget(job);
		DeadLetter origin = new DeadLetter(this.name, reason, job.attempt);
		fx.deadLetter(this.config.deadLetterQueueFor(this.name),
				new Job(job.id, job.payload, this.scheduler.now(), origin));
		fx.add(() -> this.listener.deadLettered(this.name, reason));
	}

	/** A job leaves this queue for good: its bytes and its index entry go. */
	private void forget(Job job) {
		assert this.lock.isHeldByCurrentThread();
		this.budget.release(job.payload.size());
		this.jobs.remove(job.id);
	}

	/** Throws every ready and delayed job away; returns how many. */
	private int discardWaitingJobs(QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		int discarded = this.ready.size() + this.delayed.size();
		for (Job job : this.ready) {
			forget(job);
		}
		this.ready.clear();
		for (Map.Entry<Job, Scheduler.Cancellable> entry : this.delayed.entrySet()) {
			fx.cancel(entry.getValue());
			forget(entry.getKey());
		}
		this.delayed.clear();
		return discarded;
	}

	/** Moves every ready and delayed job to the dead-letter queue; returns how many. */
	private int purgeWaitingJobs(QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		int purged = this.ready.size() + this.delayed.size();
		for (Job job : this.ready) {
			deadLetter(job, DeadLetter.Reason.PURGED, fx);
		}
		this.ready.clear();
		for (Map.Entry<Job, Scheduler.Cancellable> entry : this.delayed.entrySet()) {
			fx.cancel(entry.getValue());
			deadLetter(entry.getKey(), DeadLetter.Reason.PURGED, fx);
		}
		this.delayed.clear();
		return purged;
	}

	/** Marks the queue closed and answers parked puts. */
	private void closeLocked(QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (this.closed) {
			return;
		}
		this.closed = true;
		for (PutWaiter putter : this.putters) {
			fx.cancel(putter.deadline());
			reject(putter, new PutOutcome.Closed(), fx);
		}
		this.putters.clear();
	}

	private void park(Waiter<?> waiter, Duration wait) {
		assert this.lock.isHeldByCurrentThread();
		waiter.deadline(this.scheduler.schedule(wait, () -> waitElapsed(waiter)));
	}

	private void reject(PutWaiter putter, PutOutcome outcome, QueueEffects fx) {
		releaseReservation(putter);
		settle(putter, outcome, fx);
		fx.add(() -> this.listener.putRejected(this.name, outcome));
	}

	/** Gives back the bytes a put reserved for a job that will not be accepted. */
	private void releaseReservation(PutWaiter putter) {
		assert this.lock.isHeldByCurrentThread();
		this.budget.release(putter.reserved);
		putter.reserved = 0;
	}

	/** Fixes a waiter's outcome; its future completes after the unlock. */
	private <T> void settle(Waiter<T> waiter, T outcome, QueueEffects fx) {
		assert this.lock.isHeldByCurrentThread();
		WaitKind kind = waiter.kind();
		if (kind != null) {
			Duration waited = waiter.waited(this.scheduler.now());
			String label = (outcome instanceof PutOutcome put) ? put.label() : ((TakeOutcome) outcome).label();
			fx.add(() -> this.listener.waitEnded(this.name, kind, waited, label));
		}
		fx.settle(waiter, outcome);
	}

	/** Fixes a waiter's outcome as a failure; its future completes after the unlock. */
	private void fail(Waiter<?> waiter, RuntimeException failure, QueueEffects fx) {
		fx.fail(waiter, failure);
	}

	private PutOutcome.Accepted knownKey(String key) {
		assert this.lock.isHeldByCurrentThread();
		if (key == null) {
			return null;
		}
		Instant now = this.scheduler.now();
		Iterator<KnownKey> oldest = this.knownKeys.values().iterator();
		while (oldest.hasNext() && !oldest.next().expiresAt.isAfter(now)) {
			oldest.remove();
		}
		KnownKey known = this.knownKeys.get(key);
		return (known != null) ? known.original : null;
	}

	private boolean hasRoom() {
		return this.ready.size() + this.delayed.size() < this.config.capacity();
	}

	private boolean isDrained() {
		return this.closed && (this.purging || unfinished() == 0);
	}

	private int unfinished() {
		return this.ready.size() + this.delayed.size() + this.leases.size();
	}

	private static <T> T first(LinkedHashSet<T> set) {
		return set.isEmpty() ? null : set.getFirst();
	}

	// ---- timer and cancellation entry points (they take the lock themselves)

	private void waitElapsed(Waiter<?> waiter) {
		QueueEffects fx = new QueueEffects();
		this.lock.lock();
		try {
			if (!waiter.isWaiting()) {
				return;
			}
			if (waiter instanceof PutWaiter putter) {
				this.putters.remove(putter);
				reject(putter, new PutOutcome.Full(), fx);
			}
			else if (waiter instanceof TakeWaiter taker) {
				this.takers.remove(taker);
				settle(taker, new TakeOutcome.Empty(), fx);
			}
			else if (waiter instanceof JoinWaiter joiner) {
				this.joiners.remove(joiner);
				settle(joiner, false, fx);
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
	}

	@Override
	public boolean withdraw(Waiter<?> waiter) {
		QueueEffects fx = new QueueEffects();
		this.lock.lock();
		try {
			if (!waiter.withdraw()) {
				return false;
			}
			fx.cancel(waiter.deadline());
			if (waiter instanceof PutWaiter putter) {
				releaseReservation(putter);
			}
			boolean removed = this.putters.remove(waiter) || this.takers.remove(waiter) || this.joiners.remove(waiter);
			assert removed : "a waiting waiter is parked";
			WaitKind kind = waiter.kind();
			if (kind != null) {
				Duration waited = waiter.waited(this.scheduler.now());
				fx.add(() -> this.listener.waitEnded(this.name, kind, waited, "cancelled"));
			}
			rebalance(fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		return true;
	}

	private void expire(Lease lease) {
		QueueEffects fx = new QueueEffects();
		this.lock.lock();
		try {
			if (this.leases.get(lease.id) != lease) {
				return;
			}
			Duration left = Duration.between(this.scheduler.now(), lease.expiresAt);
			if (left.isPositive()) {
				lease.expiry = this.scheduler.schedule(left, () -> expire(lease));
				return;
			}
			this.leases.remove(lease.id);
			fx.add(() -> this.listener.expired(this.name));
			requeueFailed(lease.job, Duration.ZERO, fx);
			rebalance(fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
	}

	private void promote(Job job) {
		QueueEffects fx = new QueueEffects();
		this.lock.lock();
		try {
			if (this.delayed.remove(job) != null) {
				if (job.attempt == 0) {
					// a delayed put, never delivered: it joins the tail, as if put now
					this.ready.addLast(job);
				}
				else {
					// a nacked job: back to the head
					this.ready.addFirst(job);
				}
				rebalance(fx);
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
	}

	/**
	 * Takes back jobs whose take future was completed by someone else, so they never
	 * reached a consumer: to the head, in their order, attempt not counted.
	 * @param leaseIds the jobs' lease ids, one per job, or empty if they were settled at
	 * delivery
	 */
	private void handBack(List<Job> jobs, List<String> leaseIds) {
		QueueEffects fx = new QueueEffects();
		this.lock.lock();
		try {
			for (int i = jobs.size() - 1; i >= 0; i--) {
				if (!leaseIds.isEmpty()) {
					Lease lease = this.leases.remove(leaseIds.get(i));
					if (lease == null) {
						continue; // settled meanwhile by whoever completed the future
					}
					fx.cancel(lease.expiry);
				}
				else {
					// an auto-acked job stopped counting at delivery; it is held again
					this.budget.charge(jobs.get(i).payload.size());
					this.jobs.put(jobs.get(i).id, jobs.get(i));
				}
				requeueUndelivered(jobs.get(i), fx);
			}
			rebalance(fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
	}

	// ---- parts

	/** A job in this queue. */
	static final class Job {

		final String id;

		final Payload payload;

		final Instant enqueuedAt;

		/** Why the job came to this dead-letter queue, or null. */
		final DeadLetter deadLetter;

		/** Deliveries so far in this queue. Guarded by the owning queue's lock. */
		int attempt;

		/**
		 * When it becomes ready, if it is delayed; left behind once it is ready. Guarded
		 * by the owning queue's lock.
		 */
		Instant dueAt;

		/**
		 * Its latest lease; held if the queue's leases still map that lease's id to it.
		 * Guarded by the owning queue's lock.
		 */
		Lease lease;

		Job(String id, Payload payload, Instant enqueuedAt, DeadLetter deadLetter) {
			this.id = id;
			this.payload = payload;
			this.enqueuedAt = enqueuedAt;
			this.deadLetter = deadLetter;
		}

	}

	/** A job held by a consumer. Mutable parts guarded by the queue's lock. */
	private static final class Lease {

		final String id;

		final Job job;

		Instant expiresAt;

		Scheduler.Cancellable expiry;

		Lease(String id, Job job, Instant expiresAt) {
			this.id = id;
			this.job = job;
			this.expiresAt = expiresAt;
		}

	}

	private record KnownKey(PutOutcome.Accepted original, Instant expiresAt) {
	}

	private static final class PutWaiter extends Waiter<PutOutcome> {

		final Payload payload;

		final String key;

		/** Made before the lock is taken, to keep the critical section short. */
		final String jobId;

		/** How long after it is accepted the job becomes ready (zero: at once). */
		final Duration delay;

		/**
		 * Payload bytes reserved for this put while it is not yet a job. Guarded by lock.
		 */
		long reserved;

		/** A batch's jobs, or {@code null} for a single put (the fields above). */
		final List<NewJob> batch;

		/** The ids of the batch's jobs, made before the lock is taken. */
		final List<String> batchIds;

		PutWaiter(Owner owner, Instant now, Payload payload, String key, String jobId, Duration delay) {
			super(owner, now, WaitKind.PUT);
			this.payload = payload;
			this.key = key;
			this.jobId = jobId;
			this.delay = delay;
			this.batch = null;
			this.batchIds = null;
		}

		PutWaiter(Owner owner, Instant now, List<NewJob> batch, List<String> batchIds) {
			super(owner, now, WaitKind.PUT);
			this.payload = null;
			this.key = null;
			this.jobId = null;
			this.delay = Duration.ZERO;
			this.batch = batch;
			this.batchIds = batchIds;
		}

	}

	private static final class TakeWaiter extends Waiter<TakeOutcome> {

		final TakeOptions options;

		TakeWaiter(Owner owner, Instant now, TakeOptions options) {
			super(owner, now, WaitKind.TAKE);
			this.options = options;
		}

	}

	private static final class JoinWaiter extends Waiter<Boolean> {

		JoinWaiter(Owner owner, Instant now) {
			super(owner, now, null);
		}

	}

	/**
	 * The effects of one operation, plus dead letters: forwarded to their queue after the
	 * timers are called off and before futures complete.
	 */
	private final class QueueEffects extends Effects {

		private String deadLetterQueue;

		private List<Job> deadJobs;

		QueueEffects() {
			super(MemoryJobQueue.this.lock, MemoryJobQueue.this.name);
		}

		void deadLetter(String queue, Job job) {
			if (this.deadJobs == null) {
				this.deadJobs = new ArrayList<>();
			}
			this.deadLetterQueue = queue;
			this.deadJobs.add(job);
		}

		@Override
		protected void beforeActions() {
			if (this.deadJobs != null) {
				MemoryJobQueue.this.deadLetters.accept(this.deadLetterQueue, this.deadJobs);
			}
		}

	}

}
