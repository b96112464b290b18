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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.GroupCount;
import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.Ids;
import dev.dispatch.queue.job.JobInfo;
import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.Redrive;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.Settled;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.spi.PutAttempt;
import dev.dispatch.queue.spi.PutResult;
import dev.dispatch.queue.spi.QueueState;
import dev.dispatch.queue.spi.QueueStore;
import dev.dispatch.queue.spi.StoreAnswer;
import dev.dispatch.queue.spi.StoreEvents;
import dev.dispatch.queue.spi.StoreLook;
import dev.dispatch.queue.spi.TakeAttempt;
import dev.dispatch.queue.spi.TakeResult;

/**
 * One queue's jobs, held in this JVM's memory: fast, and gone when the process ends. Its
 * {@link dev.dispatch.queue.spi.WaitingRoom} makes it a queue.
 */
final class MemoryQueueStore implements QueueStore {

	/*-
	 * Design notes.
	 *
	 * One ReentrantLock guards all mutable state: the ready deque, the delayed and leased
	 * jobs, the idempotency keys, the configuration and the closed/paused/purging/deleted
	 * flags. Every operation takes it once, decides, and records what must happen after
	 * it (calling off timers, forwarding dead letters) in an Effects list that runs after
	 * the unlock, before the operation's future is handed back: so jobs moved to a
	 * dead-letter queue have reached it when the room sees the outcome, and no other
	 * queue is called while the lock is held (two queues that dead-letter into each other
	 * cannot deadlock). Operations answer completed futures.
	 *
	 * Each leased job has a timer that expires its lease, each delayed job one that
	 * readies it; they take the lock themselves and tell the room the new state
	 * (StoreEvents.learn) after the unlock. So the state's nextDue is -1, but when the
	 * limit on leases per second holds jobs back: then it is when the limit allows the
	 * next lease, and the room looks then.
	 *
	 * Requeued jobs (nack, expiry, release, a nacked job falling due) go to the head of
	 * ready regardless of capacity; a delayed put falling due joins the tail (it held its
	 * room all along).
	 *
	 * Payload bytes are counted in the registry's PayloadBudget: a put reserves its bytes
	 * before it is accepted (refused as storage-full if they do not fit) and keeps them
	 * reserved while it waits for room; they become its jobs' bytes when accepted, and are
	 * given back when the put is refused or withdrawn (unreserve).
	 */

	/** Most ready jobs looked at for the oldest one's age. */
	private static final int OLDEST_AMONG = 100;

	/** Where jobs that leave this queue for a dead-letter queue are sent. */
	@FunctionalInterface
	interface DeadLetterSink {

		/**
		 * Places {@code jobs} on the queue named {@code queue}; never blocks, never
		 * drops.
		 */
		void accept(String queue, List<MemoryJob> jobs);

	}

	private final String name;

	private final Scheduler scheduler;

	private final StoreEvents events;

	private final DeadLetterSink deadLetters;

	/** Payload bytes shared with the other queues of the registry. */
	private final PayloadBudget budget;

	private final ReentrantLock lock = new ReentrantLock();

	/** Guarded by lock. */
	private QueueConfig config;

	/** The limit on leases per second. Guarded by lock. */
	private final LeaseRate rate;

	/** Jobs ready for a consumer, next one first. Guarded by lock. */
	private final ReadyJobs ready = new ReadyJobs();

	/**
	 * Every job this queue holds (ready, delayed or leased), by id, for looking jobs up.
	 * Guarded by lock.
	 */
	private final Map<String, MemoryJob> jobs = new HashMap<>();

	/**
	 * Jobs put or nacked with a delay, each with the timer that readies it. Guarded by
	 * lock.
	 */
	private final Map<MemoryJob, Scheduler.Cancellable> delayed = new HashMap<>();

	/** Jobs held by consumers, by lease id. Guarded by lock. */
	private final Map<String, MemoryJob.Lease> leases = new HashMap<>();

	/** Accepted idempotency keys. Guarded by lock. */
	private final KnownKeys knownKeys;

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

	MemoryQueueStore(String name, QueueConfig config, Scheduler scheduler, StoreEvents events,
			DeadLetterSink deadLetters, Duration dedupWindow, PayloadBudget budget) {
		this.name = name;
		this.config = config;
		this.scheduler = scheduler;
		this.rate = new LeaseRate(config.maxLeasesPerSecond(), scheduler.now().toEpochMilli());
		this.events = events;
		this.deadLetters = deadLetters;
		this.knownKeys = new KnownKeys(dedupWindow);
		this.budget = budget;
	}

	// ---- the store's operations

	@Override
	public CompletableFuture<StoreAnswer<PutResult>> put(PutAttempt attempt) {
		return apply((change) -> attempt.batch() ? putBatch(attempt, change) : putOne(attempt, change));
	}

	private PutResult putOne(PutAttempt attempt, Change change) {
		NewJob wanted = attempt.job();
		PutOutcome.Accepted duplicate = knownKey(wanted.idempotencyKey());
		if (duplicate != null) {
			return PutResult.duplicate(duplicate);
		}
		if (attempt.lookUpOnly()) {
			return PutResult.of(PutResult.Status.UNKNOWN_KEY);
		}
		if (this.closed) {
			return PutResult.of(PutResult.Status.CLOSED);
		}
		long reserved = attempt.reserved();
		if (reserved == 0) {
			if (!this.budget.tryReserve(attempt.bytes())) {
				return PutResult.of(PutResult.Status.STORAGE_FULL);
			}
			reserved = attempt.bytes();
		}
		boolean handOff = !this.paused && leaseRoom() > 0
				&& this.ready.allows(wanted.lane(), this.config.maxInFlightPerGroup())
				&& (attempt.handOff() == PutAttempt.HandOff.PARKED
						|| (attempt.handOff() == PutAttempt.HandOff.IF_NONE_READY && this.ready.isEmpty()));
		if (waiting() >= this.config.capacity() && !handOff) {
			return PutResult.full(1, reserved);
		}
		// the reserved bytes are the job's from now on
		Instant now = this.scheduler.now();
		add(attempt.id(), wanted, now, change);
		List<Delivery> handed = handOff ? deliver(attempt.handTo(), change) : List.of();
		return PutResult.accepted(new PutOutcome.Accepted(attempt.id(), now, false), handed);
	}

	private PutResult putBatch(PutAttempt attempt, Change change) {
		int needed = newJobs(attempt.jobs());
		long reserved = attempt.reserved();
		if (needed > 0) {
			if (this.closed) {
				return PutResult.of(PutResult.Status.CLOSED);
			}
			if (needed > this.config.capacity()) {
				return PutResult.of(PutResult.Status.TOO_BIG);
			}
			if (reserved == 0) {
				if (!this.budget.tryReserve(attempt.bytes())) {
					return PutResult.of(PutResult.Status.STORAGE_FULL);
				}
				reserved = attempt.bytes();
			}
			if (waiting() + needed > this.config.capacity()) {
				return PutResult.full(needed, reserved);
			}
		}
		Instant now = this.scheduler.now();
		List<PutOutcome.Accepted> outcomes = new ArrayList<>(attempt.jobs().size());
		long created = 0;
		for (int i = 0; i < attempt.jobs().size(); i++) {
			NewJob wanted = attempt.jobs().get(i);
			// an earlier job of this batch with the same key is known by now
			PutOutcome.Accepted duplicate = knownKey(wanted.idempotencyKey());
			if (duplicate != null) {
				outcomes.add(duplicate);
				continue;
			}
			created += wanted.payload().size();
			add(attempt.ids().get(i), wanted, now, change);
			outcomes.add(new PutOutcome.Accepted(attempt.ids().get(i), now, false));
		}
		// the jobs hold exactly their bytes: the reservation counted repeated keys too
		this.budget.release(reserved);
		this.budget.charge(created);
		return PutResult.accepted(new PutOutcome.AcceptedAll(outcomes), List.of());
	}

	/**
	 * Adds a new job at the tail of ready, or among the delayed ones; its key becomes
	 * known. Its bytes must be reserved or charged already.
	 */
	private void add(String id, NewJob wanted, Instant now, Change change) {
		assert this.lock.isHeldByCurrentThread();
		MemoryJob job = new MemoryJob(id, wanted.payload(), now, null, wanted.trace(), wanted.lane());
		this.jobs.put(id, job);
		if (wanted.idempotencyKey() != null) {
			this.knownKeys.accepted(wanted.idempotencyKey(), id, now);
		}
		if (wanted.delay().isPositive()) {
			delay(job, wanted.delay());
		}
		else {
			this.ready.addLast(job);
		}
	}

	/**
	 * How many jobs a batch would create now: those whose key is neither known nor
	 * repeated from an earlier job of the batch.
	 */
	private int newJobs(List<NewJob> batch) {
		assert this.lock.isHeldByCurrentThread();
		int count = 0;
		Set<String> keys = null;
		for (NewJob job : batch) {
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

	@Override
	public CompletableFuture<StoreAnswer<TakeResult>> take(TakeAttempt attempt) {
		return apply((change) -> {
			List<Settled> settled = new ArrayList<>(attempt.settleFirst().size());
			for (Settle settlement : attempt.settleFirst()) {
				settled.add(settle(settlement, change));
			}
			List<Delivery> deliveries = (!this.paused && !this.ready.isEmpty() && leaseRoom() > 0)
					? deliver(attempt.options(), change) : List.of();
			if (!deliveries.isEmpty()) {
				return new TakeResult(TakeResult.Status.DELIVERED, deliveries, settled);
			}
			TakeResult.Status status = isDrained() ? TakeResult.Status.DRAINED : TakeResult.Status.EMPTY;
			return new TakeResult(status, List.of(), settled);
		});
	}

	/**
	 * Leases up to the take's max ready jobs from the head, or settles them at once when
	 * it asked for auto-ack; each one's attempt counts one more.
	 */
	private List<Delivery> deliver(TakeOptions options, Change change) {
		assert this.lock.isHeldByCurrentThread();
		Instant now = this.scheduler.now();
		Duration length = (options.lease() != null) ? options.lease() : this.config.leaseTimeout();
		int max = Math.min(options.max(), leaseRoom());
		List<Delivery> deliveries = new ArrayList<>(Math.min(max, this.ready.size()));
		while (deliveries.size() < max) {
			MemoryJob job = this.ready.pollFirst(this.config.maxInFlightPerGroup());
			if (job == null) {
				break;
			}
			job.attempt++;
			if (options.autoAck()) {
				forget(job);
				deliveries.add(new Delivery(null, job.id, job.payload, job.attempt, job.enqueuedAt, null,
						job.deadLetter, job.trace, job.lane));
			}
			else {
				MemoryJob.Lease lease = new MemoryJob.Lease(Ids.newLeaseId(), job, now.plus(length));
				job.lease = lease;
				lease.expiry = this.scheduler.schedule(length, () -> expire(lease));
				this.leases.put(lease.id, lease);
				this.ready.leased(job);
				deliveries.add(new Delivery(lease.id, job.id, job.payload, job.attempt, job.enqueuedAt, lease.expiresAt,
						job.deadLetter, job.trace, job.lane));
			}
		}
		this.rate.spend(deliveries.size(), now.toEpochMilli());
		return deliveries;
	}

	@Override
	public CompletableFuture<StoreAnswer<List<Settled>>> settle(List<Settle> settlements) {
		return apply((change) -> {
			List<Settled> outcomes = new ArrayList<>(settlements.size());
			for (Settle settlement : settlements) {
				outcomes.add(settle(settlement, change));
			}
			return outcomes;
		});
	}

	/** Acks, nacks, extends or releases one lease. */
	private Settled settle(Settle settlement, Change change) {
		assert this.lock.isHeldByCurrentThread();
		if (settlement.action() == Settle.Action.EXTEND) {
			MemoryJob.Lease lease = this.leases.get(settlement.leaseId());
			if (lease == null) {
				return Settled.NOT_HELD;
			}
			Duration length = (settlement.duration() != null) ? settlement.duration() : this.config.leaseTimeout();
			change.cancel(lease.expiry);
			lease.expiresAt = this.scheduler.now().plus(length);
			lease.expiry = this.scheduler.schedule(length, () -> expire(lease));
			return new Settled(true, lease.expiresAt);
		}
		MemoryJob.Lease lease = this.leases.remove(settlement.leaseId());
		if (lease == null) {
			return Settled.NOT_HELD;
		}
		this.ready.unleased(lease.job);
		change.cancel(lease.expiry);
		switch (settlement.action()) {
			case ACK -> forget(lease.job);
			case NACK -> requeueFailed(lease.job, settlement.duration(), change);
			default -> requeueUndelivered(lease.job, change);
		}
		return Settled.DONE;
	}

	@Override
	public CompletableFuture<StoreAnswer<Integer>> close(CloseMode mode) {
		return apply((change) -> {
			this.closed = true;
			if (mode == CloseMode.IMMEDIATE && !this.purging) {
				this.purging = true;
				return purgeWaitingJobs(change);
			}
			return 0;
		});
	}

	@Override
	public CompletableFuture<StoreAnswer<StoreLook>> look() {
		return apply((change) -> {
			assert this.jobs.size() == unfinished() : "job index holds " + this.jobs.size() + " of " + unfinished();
			Instant oldest = null;
			int looked = 0;
			for (Iterator<MemoryJob> it = this.ready.iterator(); it.hasNext() && looked++ < OLDEST_AMONG;) {
				MemoryJob job = it.next();
				if (oldest == null || job.enqueuedAt.isBefore(oldest)) {
					oldest = job.enqueuedAt;
				}
			}
			List<GroupCount> largest = this.ready.largestGroups(QueueSnapshot.LARGEST_GROUPS)
				.stream()
				.map((entry) -> new GroupCount(entry.getKey().isEmpty() ? null : entry.getKey(), entry.getValue()))
				.toList();
			return new StoreLook(this.config, oldest, this.ready.groups(), largest);
		});
	}

	@Override
	public CompletableFuture<StoreAnswer<Boolean>> pause(boolean paused) {
		return apply((change) -> {
			boolean changed = this.paused != paused;
			this.paused = paused;
			return changed;
		});
	}

	@Override
	public CompletableFuture<StoreAnswer<Integer>> purge() {
		return apply(this::discardWaitingJobs);
	}

	@Override
	public CompletableFuture<StoreAnswer<Void>> configure(QueueConfig config) {
		return apply((change) -> {
			this.config = config;
			this.rate.setRate(config.maxLeasesPerSecond(), millis());
			return null;
		});
	}

	@Override
	public CompletableFuture<StoreAnswer<Optional<JobInfo>>> job(String id) {
		return apply((change) -> Optional.ofNullable(this.jobs.get(id)).map(this::info));
	}

	@Override
	public CompletableFuture<StoreAnswer<List<JobInfo>>> jobs(JobInfo.State state, String after, int limit) {
		return apply((change) -> {
			// the limit smallest ids after the cursor: a heap of the largest kept so far
			PriorityQueue<MemoryJob> page = new PriorityQueue<>(
					Comparator.comparing((MemoryJob job) -> job.id).reversed());
			for (MemoryJob job : jobsIn(state)) {
				if (after == null || job.id.compareTo(after) > 0) {
					page.add(job);
					if (page.size() > limit) {
						page.poll();
					}
				}
			}
			List<MemoryJob> sorted = new ArrayList<>(page);
			sorted.sort(Comparator.comparing((MemoryJob job) -> job.id));
			return sorted.stream().map(this::info).toList();
		});
	}

	private Iterable<MemoryJob> jobsIn(JobInfo.State state) {
		return switch (state) {
			case READY -> this.ready;
			case DELAYED -> this.delayed.keySet();
			case LEASED -> this.leases.values().stream().map((lease) -> lease.job).toList();
		};
	}

	/** What an operator sees of a job this queue holds. */
	private JobInfo info(MemoryJob job) {
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
				job.deadLetter, job.trace, job.lane);
	}

	@Override
	public CompletableFuture<StoreAnswer<Void>> restore(List<Delivery> deliveries) {
		return apply((change) -> {
			for (Delivery delivery : deliveries.reversed()) {
				// settled at delivery, it stopped counting: it is held again
				MemoryJob job = new MemoryJob(delivery.jobId(), delivery.payload(), delivery.enqueuedAt(),
						delivery.deadLetter(), delivery.trace(), delivery.lane());
				job.attempt = delivery.attempt();
				this.budget.charge(job.payload.size());
				this.jobs.put(job.id, job);
				requeueUndelivered(job, change);
			}
			return null;
		});
	}

	@Override
	public CompletableFuture<StoreAnswer<Boolean>> retract(String jobId, String leaseId) {
		return apply((change) -> {
			MemoryJob job = this.jobs.get(jobId);
			if (job == null) {
				return false;
			}
			MemoryJob.Lease lease = (leaseId != null) ? this.leases.get(leaseId) : null;
			if (lease != null && lease.job == job) {
				this.leases.remove(leaseId);
				this.ready.unleased(job);
				change.cancel(lease.expiry);
			}
			else if (this.delayed.containsKey(job)) {
				change.cancel(this.delayed.remove(job));
			}
			else if (!this.ready.remove(job)) {
				return false; // a consumer has it
			}
			forget(job);
			return true;
		});
	}

	@Override
	public boolean reserve(long bytes) {
		return this.budget.tryReserve(bytes);
	}

	@Override
	public void unreserve(long bytes) {
		this.budget.release(bytes);
	}

	// ---- used by the registry

	/**
	 * Places jobs arriving from another queue (dead letters, or redriven ones going home)
	 * at the tail, whatever the capacity or closed state of this queue, so that none is
	 * dropped and the sender never blocks. The caller tells the room the state.
	 * @return the state after, or {@code null} if this queue was deleted: the sender must
	 * find the new one
	 */
	QueueState acceptDeadLetters(List<MemoryJob> arriving) {
		this.lock.lock();
		try {
			if (this.deleted) {
				return null;
			}
			for (MemoryJob job : arriving) {
				this.budget.charge(job.payload.size());
				this.jobs.put(job.id, job);
				this.ready.addLast(job);
			}
			return state(null);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The ready jobs {@code which} selects, oldest first, that came from another queue;
	 * they stay here.
	 */
	List<MemoryJob> redrivable(Redrive which) {
		this.lock.lock();
		try {
			List<MemoryJob> picked = new ArrayList<>();
			for (MemoryJob job : this.ready) {
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
	List<MemoryJob> takeForRedrive(List<MemoryJob> chosen) {
		List<MemoryJob> taken = new ArrayList<>(chosen.size());
		QueueState state;
		this.lock.lock();
		try {
			Set<MemoryJob> wanted = Collections.newSetFromMap(new IdentityHashMap<>());
			wanted.addAll(chosen);
			for (MemoryJob job : this.ready.removeIf(wanted::contains)) {
				forget(job);
				taken.add(job);
			}
			state = state(null);
		}
		finally {
			this.lock.unlock();
		}
		this.events.learn(state);
		return taken;
	}

	/**
	 * Room for more jobs: capacity less ready and delayed, at least 0; none once closed.
	 */
	int room() {
		this.lock.lock();
		try {
			return (this.closed || this.deleted) ? 0 : Math.max(0, this.config.capacity() - waiting());
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Deletes the queue: closes it, and sends every job it still has (ready, delayed or
	 * leased) to the dead-letter queue — or, with {@code discard}, throws them away. Its
	 * room answers the parked requests.
	 */
	void delete(boolean discard) {
		Change change = new Change(this.lock, this.name, this.deadLetters::accept);
		this.lock.lock();
		try {
			if (this.deleted) {
				return;
			}
			this.closed = true;
			this.purging = true;
			this.deleted = true;
			if (discard) {
				discardWaitingJobs(change);
			}
			else {
				purgeWaitingJobs(change);
			}
			for (MemoryJob.Lease lease : this.leases.values()) {
				change.cancel(lease.expiry);
				if (discard) {
					forget(lease.job);
				}
				else {
					deadLetter(lease.job, DeadLetter.Reason.PURGED, change);
				}
			}
			this.leases.clear();
		}
		finally {
			this.lock.unlock();
		}
		change.run();
	}

	// ---- state changes; call only when holding lock

	/**
	 * A job whose lease failed (nack or expiry): back to the head, delayed, or
	 * dead-lettered (if the queue has a dead-letter queue).
	 */
	private void requeueFailed(MemoryJob job, Duration delay, Change change) {
		assert this.lock.isHeldByCurrentThread();
		if (job.attempt >= this.config.maxAttempts() && this.config.hasDeadLetterQueue()) {
			deadLetter(job, DeadLetter.Reason.MAX_ATTEMPTS, change);
		}
		else if (this.purging) {
			deadLetter(job, DeadLetter.Reason.PURGED, change);
		}
		else if (delay.isPositive()) {
			delay(job, delay);
		}
		else {
			this.ready.addFirst(job);
		}
	}

	/** Puts a job among the delayed ones, with the timer that readies it. */
	private void delay(MemoryJob job, Duration delay) {
		assert this.lock.isHeldByCurrentThread();
		job.dueAt = this.scheduler.now().plus(delay);
		this.delayed.put(job, this.scheduler.schedule(delay, () -> promote(job)));
	}

	/**
	 * A job delivered to a consumer that never got it: back to the head, attempt not
	 * counted.
	 */
	private void requeueUndelivered(MemoryJob job, Change change) {
		assert this.lock.isHeldByCurrentThread();
		job.attempt--;
		if (this.purging) {
			deadLetter(job, DeadLetter.Reason.PURGED, change);
		}
		else {
			this.ready.addFirst(job);
		}
	}

	/**
	 * Sends a job to the dead-letter queue (after the unlock); it restarts there at
	 * attempt 0. A queue without one throws it away (only a purge comes here then).
	 */
	private void deadLetter(MemoryJob job, DeadLetter.Reason reason, Change change) {
		assert this.lock.isHeldByCurrentThread();
		forget(job);
		if (!this.config.hasDeadLetterQueue()) {
			return;
		}
		DeadLetter origin = new DeadLetter(this.name, reason, job.attempt);
		change.deadLetter(this.config.deadLetterQueueFor(this.name),
				new MemoryJob(job.id, job.payload, this.scheduler.now(), origin, job.trace, job.lane), reason);
	}

	/** A job leaves this queue for good: its bytes and its index entry go. */
	private void forget(MemoryJob job) {
		assert this.lock.isHeldByCurrentThread();
		this.budget.release(job.payload.size());
		this.jobs.remove(job.id);
	}

	/** Throws every ready and delayed job away; returns how many. */
	private int discardWaitingJobs(Change change) {
		assert this.lock.isHeldByCurrentThread();
		int discarded = waiting();
		for (MemoryJob job : this.ready) {
			forget(job);
		}
		this.ready.clear();
		for (Map.Entry<MemoryJob, Scheduler.Cancellable> entry : this.delayed.entrySet()) {
			change.cancel(entry.getValue());
			forget(entry.getKey());
		}
		this.delayed.clear();
		return discarded;
	}

	/** Moves every ready and delayed job to the dead-letter queue; returns how many. */
	private int purgeWaitingJobs(Change change) {
		assert this.lock.isHeldByCurrentThread();
		int purged = waiting();
		for (MemoryJob job : this.ready) {
			deadLetter(job, DeadLetter.Reason.PURGED, change);
		}
		this.ready.clear();
		for (Map.Entry<MemoryJob, Scheduler.Cancellable> entry : this.delayed.entrySet()) {
			change.cancel(entry.getValue());
			deadLetter(entry.getKey(), DeadLetter.Reason.PURGED, change);
		}
		this.delayed.clear();
		return purged;
	}

	private PutOutcome.Accepted knownKey(String key) {
		assert this.lock.isHeldByCurrentThread();
		return this.knownKeys.original(key, this.scheduler.now());
	}

	private int waiting() {
		return this.ready.size() + this.delayed.size();
	}

	private int unfinished() {
		return waiting() + this.leases.size();
	}

	private boolean isDrained() {
		return this.closed && (this.purging || unfinished() == 0);
	}

	/** The state now, with what {@code change} tallied (none if {@code null}). */
	private QueueState state(Change change) {
		assert this.lock.isHeldByCurrentThread();
		long now = millis();
		boolean rateLimited = this.rate.holdsBack(now);
		// the room looks again when the rate allows the next lease, if a job waits for it
		long nextDue = (rateLimited && !this.ready.isEmpty()) ? this.rate.nextAt(now) : -1;
		return new QueueState(this.ready.size(), this.delayed.size(), this.leases.size(), this.config.capacity(),
				this.closed, this.purging, this.paused, nextDue, (change != null) ? change.expired : 0,
				(change != null) ? change.deadLetteredMaxAttempts : 0, (change != null) ? change.deadLetteredPurged : 0,
				this.config.maxInFlight(), rateLimited, this.config.maxInFlightPerGroup(),
				this.ready.heldByGroupLimit(this.config.maxInFlightPerGroup()));
	}

	/** How many more leases the queue's limits allow now. */
	private int leaseRoom() {
		int limit = this.config.maxInFlight();
		int room = (limit == QueueConfig.UNLIMITED) ? Integer.MAX_VALUE : Math.max(0, limit - this.leases.size());
		return Math.min(room, this.rate.allowed(millis()));
	}

	private long millis() {
		return this.scheduler.now().toEpochMilli();
	}

	/**
	 * Runs one operation: under the lock, unless the queue was deleted; then its effects,
	 * after the unlock.
	 */
	private <T> CompletableFuture<StoreAnswer<T>> apply(Function<Change, T> operation) {
		Change change = new Change(this.lock, this.name, this.deadLetters::accept);
		StoreAnswer<T> answer;
		this.lock.lock();
		try {
			answer = this.deleted ? StoreAnswer.gone() : StoreAnswer.of(operation.apply(change), state(change));
		}
		finally {
			this.lock.unlock();
		}
		change.run();
		return CompletableFuture.completedFuture(answer);
	}

	// ---- timer entry points (they take the lock themselves)

	private void expire(MemoryJob.Lease lease) {
		timed((change) -> {
			if (this.leases.get(lease.id) != lease) {
				return false;
			}
			Duration left = Duration.between(this.scheduler.now(), lease.expiresAt);
			if (left.isPositive()) {
				lease.expiry = this.scheduler.schedule(left, () -> expire(lease));
				return false;
			}
			this.leases.remove(lease.id);
			this.ready.unleased(lease.job);
			change.expired++;
			requeueFailed(lease.job, Duration.ZERO, change);
			return true;
		});
	}

	private void promote(MemoryJob job) {
		timed((change) -> {
			if (this.delayed.remove(job) == null) {
				return false;
			}
			if (job.attempt == 0) {
				// a delayed put, never delivered: it joins the tail, as if put now
				this.ready.addLast(job);
			}
			else {
				// a nacked job: back to the head
				this.ready.addFirst(job);
			}
			return true;
		});
	}

	/**
	 * A timer's change: under the lock; if it changed anything, the room learns of it.
	 */
	private void timed(Function<Change, Boolean> step) {
		Change change = new Change(this.lock, this.name, this.deadLetters::accept);
		QueueState state = null;
		this.lock.lock();
		try {
			if (!this.deleted && step.apply(change)) {
				state = state(change);
			}
		}
		finally {
			this.lock.unlock();
		}
		change.run();
		if (state != null) {
			this.events.learn(state);
		}
	}

}
