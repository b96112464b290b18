package dev.dispatch.backend.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;

import dev.dispatch.queue.job.PutOutcome;

/**
 * The idempotency keys a {@link MemoryQueueStore} accepted within its dedup window,
 * oldest first, so that those past their window are dropped from the head as they are
 * met. Not thread-safe: guarded by the store's lock.
 */
final class KnownKeys {

	private final Duration window;

	private final LinkedHashMap<String, Known> keys = new LinkedHashMap<>();

	KnownKeys(Duration window) {
		this.window = window;
	}

	/**
	 * The put {@code key} was accepted for within its window, as a repeat answers it; or
	 * {@code null} ({@code key} too may be {@code null}: no key).
	 */
	PutOutcome.Accepted original(String key, Instant now) {
		if (key == null) {
			return null;
		}
		Iterator<Known> oldest = this.keys.values().iterator();
		while (oldest.hasNext() && !oldest.next().expiresAt.isAfter(now)) {
			oldest.remove();
		}
		Known known = this.keys.get(key);
		return (known != null) ? known.original : null;
	}

	/** Remembers that {@code key} was accepted now, for job {@code jobId}. */
	void accepted(String key, String jobId, Instant now) {
		this.keys.put(key, new Known(new PutOutcome.Accepted(jobId, now, true), now.plus(this.window)));
	}

	private record Known(PutOutcome.Accepted original, Instant expiresAt) {
	}

}
