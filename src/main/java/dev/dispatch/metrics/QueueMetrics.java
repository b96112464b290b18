package dev.dispatch.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.Scheduler;

/**
 * Binds every queue's state and events to Micrometer, under the names of
 * docs/operations.md. Gauges read the queue's snapshot when they are scraped — one read
 * per queue serves all its gauges for {@code snapshotTtl}, so that a scrape of a shared
 * backend costs one round trip per queue, not one per gauge; counters and timers move as
 * the core reports events through {@link QueueListener}. A deleted queue's meters are
 * removed. Every meter carries the tag {@code queue}, so their number is bounded by the
 * number of queues.
 */
public final class QueueMetrics implements QueueListener {

	/** Buckets of the put and take wait histograms: long polls wait up to a minute. */
	static final Duration[] WAIT_BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
			Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
			Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30),
			Duration.ofSeconds(60) };

	/**
	 * Buckets of the queue-time histogram (accepted to first delivery): milliseconds to
	 * an hour.
	 */
	static final Duration[] QUEUED_BUCKETS = { Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1),
			Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
			Duration.ofMinutes(15), Duration.ofHours(1) };

	private final MeterRegistry meters;

	private final Supplier<QueueRegistry> queues;

	private final Scheduler scheduler;

	/** How long one snapshot of a queue serves its gauges; zero reads it for each. */
	private final long snapshotTtlNanos;

	/** Meters of each known queue, by queue name. */
	private final Map<String, QueueMeters> byQueue = new ConcurrentHashMap<>();

	/** The last snapshot of each queue, for {@code snapshotTtl}. */
	private final Map<String, Reading> readings = new ConcurrentHashMap<>();

	/**
	 * @param meters where meters are registered
	 * @param queues the registry whose queues the gauges read (a supplier, since the
	 * registry is built with this listener)
	 * @param scheduler the clock of the queues, for the oldest job's age
	 * @param snapshotTtl how long one snapshot of a queue serves all its gauges (zero:
	 * each gauge reads the queue)
	 */
	public QueueMetrics(MeterRegistry meters, Supplier<QueueRegistry> queues, Scheduler scheduler,
			Duration snapshotTtl) {
		this.meters = meters;
		this.queues = queues;
		this.scheduler = scheduler;
		this.snapshotTtlNanos = snapshotTtl.toNanos();
	}

	@Override
	public void queueCreated(String queue) {
		of(queue);
	}

	@Override
	public void queueDeleted(String queue) {
		this.readings.remove(queue);
		QueueMeters removed = this.byQueue.remove(queue);
		if (removed != null) {
			removed.all.forEach(this.meters::remove);
		}
	}

	@Override
	public void enqueued(String queue) {
		of(queue).enqueued.increment();
	}

	@Override
	public void delivered(String queue, boolean direct, Duration sinceEnqueued) {
		QueueMeters m = of(queue);
		(direct ? m.deliveredDirect : m.deliveredBuffered).increment();
		if (sinceEnqueued != null) {
			m.queued.record(sinceEnqueued);
		}
	}

	@Override
	public void acked(String queue) {
		of(queue).acked.increment();
	}

	@Override
	public void nacked(String queue) {
		of(queue).nacked.increment();
	}

	@Override
	public void expired(String queue) {
		of(queue).expired.increment();
	}

	@Override
	public void released(String queue) {
		of(queue).released.increment();
	}

	@Override
	public void deadLettered(String queue, DeadLetter.Reason reason) {
		QueueMeters m = of(queue);
		(reason == DeadLetter.Reason.PURGED ? m.deadLetteredPurged : m.deadLetteredMaxAttempts).increment();
	}

	@Override
	public void discarded(String queue, int jobs) {
		of(queue).discarded.increment(jobs);
	}

	@Override
	public void putRejected(String queue, PutOutcome outcome) {
		QueueMeters m = of(queue);
		Counter reason = switch (outcome) {
			case PutOutcome.Closed closed -> m.rejectedClosed;
			case PutOutcome.StorageFull storageFull -> m.rejectedStorageFull;
			default -> m.rejectedFull;
		};
		reason.increment();
	}

	@Override
	public void waitEnded(String queue, WaitKind kind, Duration waited, String outcome) {
		QueueMeters m = of(queue);
		Map<String, Timer> timers = (kind == WaitKind.PUT) ? m.putWaits : m.takeWaits;
		timers.computeIfAbsent(outcome,
				(o) -> m.track(Timer.builder((kind == WaitKind.PUT) ? "dispatch.put.wait" : "dispatch.take.wait")
					.description("How long a " + kind.name().toLowerCase() + " waited, by outcome")
					.tags(m.tags.and("outcome", o))
					.serviceLevelObjectives(WAIT_BUCKETS)
					.register(this.meters)))
			.record(waited);
	}

	private QueueMeters of(String queue) {
		return this.byQueue.computeIfAbsent(queue, (name) -> new QueueMeters(name));
	}

	/**
	 * The queue's state, read at most once per {@code snapshotTtl}; empty if the queue is
	 * gone or its backend does not answer (its gauges then read NaN).
	 */
	private Optional<QueueSnapshot> snapshot(String queue) {
		long now = System.nanoTime();
		Reading last = this.readings.get(queue);
		if (last != null && now - last.at() < this.snapshotTtlNanos) {
			return last.snapshot();
		}
		Optional<QueueSnapshot> read;
		try {
			read = this.queues.get().find(queue).map(JobQueue::snapshot).map(CompletableFuture::join);
		}
		catch (RuntimeException ex) {
			read = Optional.empty();
		}
		if (this.snapshotTtlNanos > 0) {
			this.readings.put(queue, new Reading(now, read));
		}
		return read;
	}

	/** A snapshot and when it was read ({@link System#nanoTime()}). */
	private record Reading(long at, Optional<QueueSnapshot> snapshot) {
	}

	/**
	 * A limit that may hold back parked takes although jobs are ready, as the tag
	 * {@code limit} of {@code dispatch.queue.takers.held} names it.
	 */
	private enum Limit {

		INFLIGHT("inflight"), GROUP("group"), RATE("rate");

		final String tag;

		Limit(String tag) {
			this.tag = tag;
		}

	}

	/**
	 * The limit that holds back the parked takes jobs are ready for, or null when none
	 * does (nothing ready, delivery paused, or no limit reached: a take then waits at
	 * most for its own try's answer). When several do, the first of leases in flight,
	 * leases per group and leases per second: each take is counted under one limit only.
	 */
	private static Limit holdingBack(QueueSnapshot s) {
		if (s.size() == 0 || s.paused()) {
			return null;
		}
		int maxInFlight = s.config().maxInFlight();
		if (maxInFlight > 0 && s.inFlight() >= maxInFlight) {
			return Limit.INFLIGHT;
		}
		if (s.groupLimited()) {
			return Limit.GROUP;
		}
		return s.rateLimited() ? Limit.RATE : null;
	}

	/** Parked takes that jobs are ready for, held back by {@code limit}. */
	private static ToDoubleFunction<QueueSnapshot> heldBy(Limit limit) {
		return (s) -> (holdingBack(s) == limit) ? s.waitingTakers() : 0;
	}

	/** The meters of one queue. */
	private final class QueueMeters {

		final Tags tags;

		/** Every meter registered for this queue, to remove them together. */
		final List<Meter> all = new CopyOnWriteArrayList<>();

		final Counter enqueued;

		final Counter deliveredDirect;

		final Counter deliveredBuffered;

		final Counter acked;

		final Counter nacked;

		final Counter expired;

		final Counter released;

		final Counter discarded;

		final Counter deadLetteredMaxAttempts;

		final Counter deadLetteredPurged;

		final Counter rejectedFull;

		final Counter rejectedClosed;

		final Counter rejectedStorageFull;

		final Timer queued;

		final Map<String, Timer> putWaits = new ConcurrentHashMap<>();

		final Map<String, Timer> takeWaits = new ConcurrentHashMap<>();

		QueueMeters(String queue) {
			this.tags = Tags.of("queue", queue);
			gauge(queue, "dispatch.queue.size", "Jobs ready for a consumer", QueueSnapshot::size, this.tags);
			gauge(queue, "dispatch.queue.delayed", "Jobs not yet ready: put or nacked with a delay",
					QueueSnapshot::delayed, this.tags);
			gauge(queue, "dispatch.queue.inflight", "Jobs leased to consumers", QueueSnapshot::inFlight, this.tags);
			gauge(queue, "dispatch.queue.capacity", "Most jobs ready or delayed at once", QueueSnapshot::capacity,
					this.tags);
			gauge(queue, "dispatch.queue.unfinished", "Jobs ready, delayed or in flight", QueueSnapshot::unfinished,
					this.tags);
			gauge(queue, "dispatch.queue.waiters", "Parked operations", QueueSnapshot::waitingPutters,
					this.tags.and("op", "put"));
			gauge(queue, "dispatch.queue.waiters", "Parked operations", QueueSnapshot::waitingTakers,
					this.tags.and("op", "take"));
			gauge(queue, "dispatch.queue.closed", "1 once the queue is closed", (s) -> s.closed() ? 1 : 0, this.tags);
			gauge(queue, "dispatch.queue.paused", "1 while delivery is paused", (s) -> s.paused() ? 1 : 0, this.tags);
			gauge(queue, "dispatch.queue.groups", "Fairness groups with ready jobs", QueueSnapshot::groups, this.tags);
			gauge(queue, "dispatch.queue.inflight.limit", "Most leases held at once (0: no limit)",
					(s) -> s.config().maxInFlight(), this.tags);
			gauge(queue, "dispatch.queue.inflight.group.limit",
					"Most leases held at once per fairness group (0: no limit)",
					(s) -> s.config().maxInFlightPerGroup(), this.tags);
			gauge(queue, "dispatch.queue.lease.rate.limit", "Most jobs delivered per second (0: no limit)",
					(s) -> s.config().maxLeasesPerSecond(), this.tags);
			for (Limit limit : Limit.values()) {
				gauge(queue, "dispatch.queue.takers.held", "Parked takes held back by a limit though jobs are ready",
						heldBy(limit), this.tags.and("limit", limit.tag));
			}
			track(Gauge
				.builder("dispatch.queue.oldest.age",
						() -> snapshot(queue).map(QueueMetrics.this::oldestAge).orElse(Double.NaN))
				.description("Age of the oldest ready job (0 when none is ready)")
				.baseUnit("seconds")
				.tags(this.tags)
				.register(QueueMetrics.this.meters));
			this.enqueued = counter("dispatch.jobs.enqueued", "Jobs accepted", this.tags);
			this.deliveredDirect = counter("dispatch.jobs.delivered", "Jobs handed to consumers",
					this.tags.and("path", "direct"));
			this.deliveredBuffered = counter("dispatch.jobs.delivered", "Jobs handed to consumers",
					this.tags.and("path", "buffered"));
			this.acked = counter("dispatch.jobs.acked", "Jobs acknowledged (or settled at delivery)", this.tags);
			this.nacked = counter("dispatch.jobs.nacked", "Jobs given back by consumers", this.tags);
			this.expired = counter("dispatch.jobs.expired", "Leases that ran out", this.tags);
			this.released = counter("dispatch.jobs.released",
					"Deliveries handed back untried: released by the consumer, or its client had gone", this.tags);
			this.discarded = counter("dispatch.jobs.discarded", "Jobs an operator threw away (purge)", this.tags);
			this.deadLetteredMaxAttempts = counter("dispatch.jobs.deadlettered", "Jobs moved to the dead-letter queue",
					this.tags.and("reason", DeadLetter.Reason.MAX_ATTEMPTS.label()));
			this.deadLetteredPurged = counter("dispatch.jobs.deadlettered", "Jobs moved to the dead-letter queue",
					this.tags.and("reason", DeadLetter.Reason.PURGED.label()));
			this.rejectedFull = counter("dispatch.puts.rejected", "Puts not accepted", this.tags.and("reason", "full"));
			this.rejectedClosed = counter("dispatch.puts.rejected", "Puts not accepted",
					this.tags.and("reason", "closed"));
			this.rejectedStorageFull = counter("dispatch.puts.rejected", "Puts not accepted",
					this.tags.and("reason", "storage-full"));
			this.queued = track(Timer.builder("dispatch.job.queued")
				.description("Time from acceptance to first delivery")
				.tags(this.tags)
				.serviceLevelObjectives(QUEUED_BUCKETS)
				.register(QueueMetrics.this.meters));
		}

		private void gauge(String queue, String name, String description, ToDoubleFunction<QueueSnapshot> value,
				Tags tags) {
			track(Gauge.builder(name, () -> snapshot(queue).map(value::applyAsDouble).orElse(Double.NaN))
				.description(description)
				.tags(tags)
				.register(QueueMetrics.this.meters));
		}

		private Counter counter(String name, String description, Tags tags) {
			return track(Counter.builder(name).description(description).tags(tags).register(QueueMetrics.this.meters));
		}

		<M extends Meter> M track(M meter) {
			this.all.add(meter);
			return meter;
		}

	}

	private double oldestAge(QueueSnapshot snapshot) {
		Instant oldest = snapshot.oldestReadyAt();
		return (oldest != null) ? Math.max(0, Duration.between(oldest, this.scheduler.now()).toMillis() / 1000.0) : 0;
	}

}
