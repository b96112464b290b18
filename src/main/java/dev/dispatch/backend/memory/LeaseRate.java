package dev.dispatch.backend.memory;

/**
 * A queue's limit on leases started per second, as a token bucket: it fills at the rate,
 * up to a tenth of a second's worth (at least one lease), and each job delivered takes
 * one. So deliveries keep to the rate over any stretch of time, with bursts of at most
 * that bucket. Counted in thousandths of a lease, so that it is exact in whole
 * milliseconds. Not thread-safe: its store guards it. (The Redis backend keeps the same
 * bucket, by the same arithmetic, in the queue's meta hash: {@code prelude.lua}.)
 */
public final class LeaseRate {

	/** A lease in the bucket's units. */
	private static final long LEASE = 1000;

	private final int perSecond;

	/** Thousandths of a lease at {@link #filledAt}. */
	private long tokens;

	/** Epoch ms. */
	private long filledAt;

	/**
	 * A full bucket at {@code now}.
	 * @param perSecond leases per second, at least 1
	 * @param now epoch ms
	 */
	public LeaseRate(int perSecond, long now) {
		if (perSecond < 1) {
			throw new IllegalArgumentException("a rate of at least one lease per second, got " + perSecond);
		}
		this.perSecond = perSecond;
		this.tokens = bucket(perSecond);
		this.filledAt = now;
	}

	/**
	 * The bucket of a rate, in thousandths of a lease: a tenth of a second's worth, at
	 * least one lease.
	 */
	public static long bucket(int perSecond) {
		return Math.max(1, (perSecond + 9) / 10) * LEASE;
	}

	/** This bucket at another rate, keeping the tokens it has (up to the new bucket). */
	public LeaseRate withRate(int perSecond, long now) {
		fill(now);
		LeaseRate changed = new LeaseRate(perSecond, now);
		changed.tokens = Math.min(changed.tokens, this.tokens);
		return changed;
	}

	/** How many leases the rate allows at {@code now}. */
	public int allowed(long now) {
		fill(now);
		return (int) (this.tokens / LEASE);
	}

	/** Counts {@code leases} started at {@code now} (at most {@link #allowed}). */
	public void spend(int leases, long now) {
		fill(now);
		this.tokens = Math.max(0, this.tokens - leases * LEASE);
	}

	/** When the rate allows the next lease (epoch ms; {@code now} if it does now). */
	public long nextAt(long now) {
		fill(now);
		if (this.tokens >= LEASE) {
			return now;
		}
		return now + (LEASE - this.tokens + this.perSecond - 1) / this.perSecond;
	}

	/** Thousandths of a lease per ms: the rate per second. */
	private void fill(long now) {
		if (now > this.filledAt) {
			this.tokens = Math.min(bucket(this.perSecond), this.tokens + (now - this.filledAt) * this.perSecond);
			this.filledAt = now;
		}
	}

}
