package dev.dispatch.backend.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueNames;
import dev.dispatch.queue.QueueNotFoundException;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Redrive;
import dev.dispatch.queue.Redriven;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.StorageReport;
import dev.dispatch.queue.TooManyQueuesException;
import dev.dispatch.queue.spi.QueueState;
import dev.dispatch.queue.spi.WaitingRoom;

/**
 * The queues of one process, held in memory. Dead-letter queues are created on demand,
 * whatever the auto-create setting, so that a failing job always has somewhere to go.
 */
public final class MemoryQueueRegistry implements QueueRegistry {

	/** How long an idempotency key is remembered unless configured otherwise. */
	public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(10);

	private final ConcurrentHashMap<String, WaitingRoom<MemoryQueueStore>> queues = new ConcurrentHashMap<>();

	private final Scheduler scheduler;

	private final QueueListener listener;

	private final QueueConfig defaults;

	private final boolean autoCreate;

	private final Duration dedupWindow;

	/** Most queues created by name (dead-letter queues are always created). */
	private final int maxQueues;

	/** Payload bytes all queues may hold together. */
	private final PayloadBudget budget;

	/**
	 * @param scheduler time and timers for every queue
	 * @param listener told of everything that happens in every queue
	 * @param defaults the configuration of queues created on demand
	 * @param autoCreate whether {@link #obtain} creates unknown queues
	 * @param dedupWindow how long idempotency keys are remembered
	 */
	public MemoryQueueRegistry(Scheduler scheduler, QueueListener listener, QueueConfig defaults, boolean autoCreate,
			Duration dedupWindow) {
		this(scheduler, listener, defaults, autoCreate, dedupWindow, Integer.MAX_VALUE, PayloadBudget.unlimited());
	}

	/**
	 * @param scheduler time and timers for every queue
	 * @param listener told of everything that happens in every queue
	 * @param defaults the configuration of queues created on demand
	 * @param autoCreate whether {@link #obtain} creates unknown queues
	 * @param dedupWindow how long idempotency keys are remembered
	 * @param maxQueues most queues that {@link #obtain} and {@link #configure} create; a
	 * dead-letter queue is created whatever the count, so that no failing job is dropped
	 * @param budget the payload bytes all queues may hold together
	 */
	public MemoryQueueRegistry(Scheduler scheduler, QueueListener listener, QueueConfig defaults, boolean autoCreate,
			Duration dedupWindow, int maxQueues, PayloadBudget budget) {
		this.budget = Objects.requireNonNull(budget, "budget");
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
		this.listener = Objects.requireNonNull(listener, "listener");
		this.defaults = Objects.requireNonNull(defaults, "defaults");
		this.autoCreate = autoCreate;
		if (dedupWindow.isNegative() || dedupWindow.isZero()) {
			throw new IllegalArgumentException("dedup window must be positive, got " + dedupWindow);
		}
		this.dedupWindow = dedupWindow;
		if (maxQueues < 1) {
			throw new IllegalArgumentException("max queues must be at least 1, got " + maxQueues);
		}
		this.maxQueues = maxQueues;
	}

	/** The payload bytes all queues hold together, and their limit. */
	@Override
	public Optional<StorageReport> storage() {
		return Optional.of(this.budget);
	}

	@Override
	public Optional<JobQueue> find(String name) {
		return Optional.ofNullable(this.queues.get(QueueNames.requireValid(name)));
	}

	@Override
	public JobQueue obtain(String name) {
		WaitingRoom<MemoryQueueStore> queue = this.queues.get(QueueNames.requireValid(name));
		if (queue != null) {
			return queue;
		}
		if (!this.autoCreate) {
			throw new QueueNotFoundException(name);
		}
		requireRoomFor(name);
		return getOrCreate(name, this.defaults);
	}

	@Override
	public boolean configure(String name, QueueConfig config) {
		Objects.requireNonNull(config, "config").requireFitFor(QueueNames.requireValid(name));
		if (!this.queues.containsKey(name)) {
			requireRoomFor(name);
		}
		for (;;) {
			boolean[] created = { false };
			WaitingRoom<MemoryQueueStore> queue = this.queues.computeIfAbsent(name, (key) -> {
				created[0] = true;
				return newQueue(key, config);
			});
			if (created[0]) {
				this.listener.queueCreated(name);
				return true;
			}
			if (!queue.configure(config).isCompletedExceptionally()) {
				return false;
			}
			// deleted between the lookup and the change: the next round creates it anew
			this.queues.remove(name, queue);
		}
	}

	@Override
	public List<JobQueue> list() {
		return this.queues.values()
			.stream()
			.sorted(Comparator.comparing(JobQueue::name))
			.map(JobQueue.class::cast)
			.toList();
	}

	@Override
	public boolean delete(String name, boolean discard) {
		WaitingRoom<MemoryQueueStore> queue = this.queues.remove(QueueNames.requireValid(name));
		if (queue == null) {
			return false;
		}
		queue.deleting();
		queue.store().delete(discard);
		queue.deleted(false);
		this.listener.queueDeleted(name);
		return true;
	}

	@Override
	public CompletableFuture<Redriven> redrive(String deadLetterQueue, Redrive which) {
		Objects.requireNonNull(which, "which");
		WaitingRoom<MemoryQueueStore> source = this.queues.get(QueueNames.requireValid(deadLetterQueue));
		if (source == null) {
			throw new QueueNotFoundException(deadLetterQueue);
		}
		List<MemoryJob> picked = source.store().redrivable(which);
		// each queue's room, counted before the jobs leave: a put racing in may take
		// the queue a little past its capacity, as a requeued job may
		Map<String, Integer> room = new HashMap<>();
		List<MemoryJob> chosen = new ArrayList<>();
		for (MemoryJob job : picked) {
			String home = job.deadLetter.queue();
			int left = room.computeIfAbsent(home, (name) -> {
				WaitingRoom<MemoryQueueStore> queue = this.queues.get(name);
				return (queue != null) ? queue.store().room() : 0;
			});
			if (left > 0) {
				chosen.add(job);
				room.put(home, left - 1);
			}
		}
		Map<String, List<MemoryJob>> byHome = new LinkedHashMap<>();
		for (MemoryJob job : source.store().takeForRedrive(chosen)) {
			byHome.computeIfAbsent(job.deadLetter.queue(), (name) -> new ArrayList<>()).add(job);
		}
		Map<String, Integer> moved = new LinkedHashMap<>();
		List<String> ids = new ArrayList<>();
		Instant now = this.scheduler.now();
		for (Map.Entry<String, List<MemoryJob>> home : byHome.entrySet()) {
			WaitingRoom<MemoryQueueStore> queue = this.queues.get(home.getKey());
			// home as fresh jobs: same ids, no origin, attempt 0, at the tail
			List<MemoryJob> fresh = home.getValue()
				.stream()
				.map((job) -> new MemoryJob(job.id, job.payload, now, null, job.trace, job.lane))
				.toList();
			if (queue != null && arrive(queue, fresh)) {
				moved.put(home.getKey(), home.getValue().size());
				home.getValue().forEach((job) -> ids.add(job.id));
			}
			else {
				// deleted meanwhile: back to the dead-letter queue, never lost
				deadLetter(deadLetterQueue, home.getValue());
			}
		}
		int total = moved.values().stream().mapToInt(Integer::intValue).sum();
		return CompletableFuture.completedFuture(new Redriven(moved, picked.size() - total, ids));
	}

	@Override
	public QueueConfig defaults() {
		return this.defaults;
	}

	@Override
	public boolean autoCreate() {
		return this.autoCreate;
	}

	/**
	 * Refuses a new queue once the limit is reached (checked before creating; racing
	 * creators may pass it by a few).
	 */
	private void requireRoomFor(String name) {
		if (this.queues.size() >= this.maxQueues) {
			throw new TooManyQueuesException(name, this.maxQueues);
		}
	}

	private WaitingRoom<MemoryQueueStore> getOrCreate(String name, QueueConfig config) {
		WaitingRoom<MemoryQueueStore> existing = this.queues.get(name);
		if (existing != null) {
			return existing;
		}
		WaitingRoom<MemoryQueueStore> fresh = newQueue(name, config);
		WaitingRoom<MemoryQueueStore> raced = this.queues.putIfAbsent(name, fresh);
		if (raced != null) {
			return raced;
		}
		this.listener.queueCreated(name);
		return fresh;
	}

	private WaitingRoom<MemoryQueueStore> newQueue(String name, QueueConfig config) {
		return new WaitingRoom<>(name, this.scheduler, this.listener, (events) -> new MemoryQueueStore(name, config,
				this.scheduler, events, this::deadLetter, this.dedupWindow, this.budget));
	}

	/**
	 * Places dead letters on {@code target}, creating it if needed; retries if it is
	 * deleted meanwhile.
	 */
	private void deadLetter(String target, List<MemoryJob> jobs) {
		// a deleted queue leaves the map before it refuses, so the next round finds its
		// successor
		// made by its first dead letter, it has no dead-letter queue of its own
		while (!arrive(getOrCreate(target, this.defaults.forDeadLetters()), jobs)) {
			Thread.onSpinWait();
		}
	}

	/**
	 * Places jobs from another queue on {@code queue}, whatever its capacity.
	 * @return {@code false} if it was deleted meanwhile
	 */
	private boolean arrive(WaitingRoom<MemoryQueueStore> queue, List<MemoryJob> jobs) {
		QueueState state = queue.store().acceptDeadLetters(jobs);
		if (state == null) {
			return false;
		}
		for (int i = 0; i < jobs.size(); i++) {
			this.listener.enqueued(queue.name());
		}
		queue.learn(state);
		return true;
	}

}
