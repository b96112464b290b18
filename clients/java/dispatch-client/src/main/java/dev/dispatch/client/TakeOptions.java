package dev.dispatch.client;

import java.time.Duration;

/**
 * How a take asks for jobs.
 *
 * @param max the most jobs at once, 1 to 100
 * @param maxWait how long to wait for the first (the service cuts it at its
 * {@code max-wait}, 60 s by default); zero answers at once
 * @param lease how long the jobs are held; null: the queue's lease timeout
 */
public record TakeOptions(int max, Duration maxWait, Duration lease) {

	/** The most jobs one take may ask for. */
	public static final int MAX_JOBS = 100;

	/** One job, waiting up to 20 s, with the queue's lease. */
	public static final TakeOptions DEFAULT = new TakeOptions(1, Duration.ofSeconds(20), null);

	public TakeOptions {
		if (max < 1 || max > MAX_JOBS) {
			throw new IllegalArgumentException("max must be 1 to " + MAX_JOBS + ": " + max);
		}
		if (maxWait == null || maxWait.isNegative()) {
			throw new IllegalArgumentException("wait must be zero or more: " + maxWait);
		}
		if (lease != null && (lease.isNegative() || lease.isZero())) {
			throw new IllegalArgumentException("lease must be longer than zero: " + lease);
		}
	}

	public TakeOptions withMax(int max) {
		return new TakeOptions(max, this.maxWait, this.lease);
	}

	public TakeOptions withMaxWait(Duration maxWait) {
		return new TakeOptions(this.max, maxWait, this.lease);
	}

	public TakeOptions withLease(Duration lease) {
		return new TakeOptions(this.max, this.maxWait, lease);
	}

}
