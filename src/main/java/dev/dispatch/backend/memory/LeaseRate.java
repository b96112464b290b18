package dev.dispatch.backend.memory;

/**
 * A queue's limit on leases started per second, as a token bucket: it fills at the rate,
 * up to a tenth of a second's worth (at least one lease), and each job delivered takes
 * one. So deliveries keep to the rate over any stretch of time, with bursts of at most
 * that bucket. Counted in thousandths of a lease, so that it is exact in whole
 * milliseconds. A rate of 0 is no limit. Not thread-safe: its store guards it. (The Redis
 * backend keeps the same bucket, by the same arithmetic, in the queue's meta hash:
 * {@code prelude.lua}.)
 */
final class LeaseRate {

	/** A lease in the bucket's units. */
	private static final long LEASE = 1000;

	/** Leases per second; 0: no limit. */
	private int perSecond;

	/** Thousandths of a lease at {@link #filledAt}. */
	private long tokens;

	/** Epoch ms. */
	private long filledAt;

	/**
	 * A full bucket at {@code now}.
	 * @param perSecond leases per second, 0 for no limit
	 * @param now epoch ms
	 */
	LeaseRate(int perSecond, long now) {
		setRate(perSecond, now);
	}

	/**
	 * The bucket of a rate, in thousandths of a lease: a tenth of a second's worth, at
	 * least one lease.
	 */
	static long bucket(int perSecond) {
		return Math.max(1, (perSecond + 9) / 10) * LEASE;
	}

	/**
	 * Changes the rate at {@code now}: a bucket that had a rate keeps its tokens (up to
	 * the new bucket), a new one starts full.
	 */
	void setRate(int perSecond, long now) {
		if (perSecond < 0) {
			throw new IllegalArgumentException("a rate of at least one lease per second, or 0, got " + perSecond);
		}
		boolean had = this.perSecond > 0;
		fill(now);
		this.perSecond = perSecond;
		this.tokens = had ? Math.min(bucket(perSecond), this.tokens) : bucket(perSecond);
		this.filledAt = now;
	}

	/** How many leases the rate allows at {@code now}. */
	int allowed(long now) {
		if (this.perSecond == 0) {
			return Integer.MAX_VALUE;
		}
		fill(now);
		return (int) (this.tokens / LEASE);
	}

	/** Whether the rate allows no lease at {@code now}. */
	boolean holdsBack(long now) {
		return allowed(now) == 0;
	}

	/** Counts {@code leases} started at {@code now} (at most {@link #allowed}). */
	void spend(int leases, long now) {
		if (this.perSecond > 0) {
			fill(now);
			this.tokens = Math.max(0, this.tokens - leases * LEASE);
		}
	}

	/** When the rate allows the next lease (epoch ms; {@code now} if it does now). */
	long nextAt(long now) {
		if (allowed(now) > 0) {
			return now;
		}
		return now + (LEASE - this.tokens + this.perSecond - 1) / this.perSecond;
	}

	/** Thousandths of a lease per ms: the rate per second. */
	private void fill(long now) {
		if (this.perSecond > 0 && now > this.filledAt) {
			this.tokens = Math.min(bucket(this.perSecond), this.tokens + (now - this.filledAt) * this.perSecond);
			this.filledAt = now;
		}
	}

}
