package dev.dispatch.backend.memory;

import java.util.concurrent.atomic.AtomicLong;

import dev.dispatch.queue.StorageReport;

/**
 * The payload bytes that all queues of one registry may hold at once: accepted jobs
 * (ready, delayed or leased) and the payloads of parked puts.
 *
 * <p>
 * A new put reserves its bytes with {@link #tryReserve} and is refused if they do not
 * fit. Jobs that must not be refused (dead letters moving between queues, jobs handed
 * back) are {@link #charge charged} even past the limit. Every byte reserved or charged
 * is {@link #release released} once, when its job or parked put leaves the registry.
 * Lock-free: queues call it while holding their own lock.
 */
public final class PayloadBudget implements StorageReport {

	private final long limit;

	/** Bytes held now. */
	private final AtomicLong held = new AtomicLong();

	/**
	 * @param limit most bytes held before new puts are refused
	 */
	public PayloadBudget(long limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("payload budget must be at least 1 byte, got " + limit);
		}
		this.limit = limit;
	}

	/** A budget that never refuses. */
	public static PayloadBudget unlimited() {
		return new PayloadBudget(Long.MAX_VALUE);
	}

	/** Reserves {@code bytes} if they fit under the limit; answers whether they did. */
	boolean tryReserve(long bytes) {
		long now;
		do {
			now = this.held.get();
			if (bytes > this.limit - now) {
				return false;
			}
		}
		while (!this.held.compareAndSet(now, now + bytes));
		return true;
	}

	/** Counts {@code bytes} as held, whatever the limit. */
	void charge(long bytes) {
		this.held.addAndGet(bytes);
	}

	void release(long bytes) {
		long after = this.held.addAndGet(-bytes);
		assert after >= 0 : "released more payload bytes than were held";
	}

	/** Bytes held now. */
	@Override
	public long held() {
		return this.held.get();
	}

	@Override
	public long limit() {
		return this.limit;
	}

}
