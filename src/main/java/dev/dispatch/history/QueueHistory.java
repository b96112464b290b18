package dev.dispatch.history;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.job.DeadLetter;

/**
 * The last minutes of each queue, for people to look at (the console's charts): per
 * interval, how many jobs were put, acked and dead-lettered, and how many were ready,
 * delayed and in flight at its end. Bounded: at most {@code samples} samples a queue, the
 * oldest dropped first, and a queue's history goes with the queue.
 *
 * <p>
 * Counts are of what this process saw (its {@link QueueListener} events): with a shared
 * backend each replica counts the puts, acks and dead letters it handled. The depths are
 * the queue's own, from its snapshot.
 */
public final class QueueHistory implements QueueListener {

	/*-
	 * Design notes.
	 *
	 * Events (any thread) add to a queue's Counts, three LongAdders: no lock on the
	 * request path. sample() (one thread at a time: the sampler's) takes each count with
	 * sumThenReset and appends one Sample to the queue's Series; an event that lands
	 * between the read and the reset of its adder is lost for the chart, which is a
	 * view for people, not a ledger (the Micrometer counters are the ledger).
	 *
	 * A Series is a ring of Samples guarded by its own monitor: sample() appends, of()
	 * copies. A queue's Counts and Series go on queueDeleted, and at a sample that no
	 * longer finds the queue (deleted through another replica).
	 */

	/** A queue's history: the samples, oldest first, taken every {@code interval}. */
	public record History(String queue, Duration interval, List<Sample> samples) {
	}

	/**
	 * One interval of a queue, ending at {@code at}.
	 *
	 * @param at when the interval ended
	 * @param put jobs accepted during it
	 * @param acked jobs acked during it
	 * @param deadLettered jobs moved to the dead-letter queue during it
	 * @param ready jobs ready at its end
	 * @param delayed jobs delayed at its end
	 * @param inFlight jobs leased at its end
	 */
	public record Sample(Instant at, long put, long acked, long deadLettered, int ready, int delayed, int inFlight) {
	}

	/** What happened to one queue since the last sample. */
	private static final class Counts {

		final LongAdder put = new LongAdder();

		final LongAdder acked = new LongAdder();

		final LongAdder deadLettered = new LongAdder();

	}

	/** The samples of one queue, a ring. Guarded by its monitor. */
	private static final class Series {

		private final Sample[] ring;

		/** Where the next sample goes. */
		private int next;

		/** How many samples the ring holds. */
		private int size;

		Series(int samples) {
			this.ring = new Sample[samples];
		}

		synchronized void add(Sample sample) {
			this.ring[this.next] = sample;
			this.next = (this.next + 1) % this.ring.length;
			this.size = Math.min(this.size + 1, this.ring.length);
		}

		synchronized List<Sample> all() {
			List<Sample> all = new ArrayList<>(this.size);
			int first = (this.next - this.size + this.ring.length) % this.ring.length;
			for (int i = 0; i < this.size; i++) {
				all.add(this.ring[(first + i) % this.ring.length]);
			}
			return all;
		}

	}

	private final Duration interval;

	private final int samples;

	private final Map<String, Counts> counts = new ConcurrentHashMap<>();

	private final Map<String, Series> series = new ConcurrentHashMap<>();

	/**
	 * @param interval how often {@link #sample} is called (what each sample spans)
	 * @param samples most samples kept a queue
	 */
	public QueueHistory(Duration interval, int samples) {
		if (!interval.isPositive() || samples < 1) {
			throw new IllegalArgumentException(
					"a history needs a positive interval and at least one sample, got " + interval + " and " + samples);
		}
		this.interval = interval;
		this.samples = samples;
	}

	/** How often a sample is taken. */
	public Duration interval() {
		return this.interval;
	}

	/**
	 * Ends an interval: one sample for each queue in {@code queues}, from what happened
	 * to it since the last one and its snapshot. Call from one thread at a time.
	 * @param complete whether {@code queues} are all the queues there are: then those not
	 * among them lose their history
	 */
	public void sample(Instant at, Collection<QueueSnapshot> queues, boolean complete) {
		Set<String> present = new HashSet<>();
		for (QueueSnapshot queue : queues) {
			present.add(queue.name());
			Counts happened = this.counts.get(queue.name());
			long put = (happened != null) ? happened.put.sumThenReset() : 0;
			long acked = (happened != null) ? happened.acked.sumThenReset() : 0;
			long deadLettered = (happened != null) ? happened.deadLettered.sumThenReset() : 0;
			this.series.computeIfAbsent(queue.name(), (name) -> new Series(this.samples))
				.add(new Sample(at, put, acked, deadLettered, queue.size(), queue.delayed(), queue.inFlight()));
		}
		if (complete) {
			this.series.keySet().retainAll(present);
			this.counts.keySet().retainAll(present);
		}
	}

	/**
	 * The history of {@code queue}: empty if it has none (unknown, or not sampled yet).
	 */
	public Optional<History> of(String queue) {
		Series kept = this.series.get(queue);
		return Optional.ofNullable(kept).map((s) -> new History(queue, this.interval, s.all()));
	}

	private Counts countsOf(String queue) {
		return this.counts.computeIfAbsent(queue, (name) -> new Counts());
	}

	@Override
	public void queueDeleted(String queue) {
		this.counts.remove(queue);
		this.series.remove(queue);
	}

	@Override
	public void enqueued(String queue) {
		countsOf(queue).put.increment();
	}

	@Override
	public void acked(String queue) {
		countsOf(queue).acked.increment();
	}

	@Override
	public void deadLettered(String queue, DeadLetter.Reason reason) {
		countsOf(queue).deadLettered.increment();
	}

}
