package dev.dispatch.queue.job;

import java.time.Duration;
import dev.dispatch.queue.QueueArguments;

/**
 * How a take behaves.
 *
 * @param max most jobs to hand over at once, at least 1; the take answers as soon as it
 * has one
 * @param maxWait how long the take may wait for a job; zero never waits
 * @param lease how long the consumer holds each job, or {@code null} for the queue's
 * lease timeout
 * @param autoAck settle each job when it is delivered (at-most-once, like Python's
 * {@code get()}) instead of leasing it
 */
public record TakeOptions(int max, Duration maxWait, Duration lease, boolean autoAck) {

	/** Most jobs one take may ask for. */
	public static final int MAX_BATCH = 100;

	public TakeOptions {
		if (max < 1 || max > MAX_BATCH) {
			throw new IllegalArgumentException("max must be from 1 to " + MAX_BATCH + ", got " + max);
		}
		QueueArguments.requireWait(maxWait);
		if (lease != null && (lease.isNegative() || lease.isZero())) {
			throw new IllegalArgumentException("lease must be positive, got " + lease);
		}
	}

	/** One job, leased for the queue's lease timeout, waiting up to {@code wait}. */
	public static TakeOptions leased(Duration wait) {
		return new TakeOptions(1, wait, null, false);
	}

	/** One job, settled at delivery, waiting up to {@code wait}. */
	public static TakeOptions autoAcked(Duration wait) {
		return new TakeOptions(1, wait, null, true);
	}

	/** These options asking for up to {@code max} jobs. */
	public TakeOptions withMax(int max) {
		return new TakeOptions(max, this.maxWait, this.lease, this.autoAck);
	}

	/** These options with a lease of {@code lease}. */
	public TakeOptions withLease(Duration lease) {
		return new TakeOptions(this.max, this.maxWait, lease, this.autoAck);
	}

}
