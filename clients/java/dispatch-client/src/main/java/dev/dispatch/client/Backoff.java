package dev.dispatch.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: after the n-th failure in a row, a wait drawn evenly
 * between half and all of {@code min(max, initial × multiplier^(n-1))}. The random half
 * spreads out clients that failed together (a restarted service is not met by all of them
 * at once); the fixed half keeps each one from retrying at once.
 *
 * @param initial the ceiling after the first failure
 * @param max the largest ceiling
 * @param multiplier how much the ceiling grows per failure, at least 1
 */
public record Backoff(Duration initial, Duration max, double multiplier) {

	public Backoff {
		if (initial.isNegative() || max.compareTo(initial) < 0 || multiplier < 1) {
			throw new IllegalArgumentException("a backoff needs 0 <= initial <= max and multiplier >= 1: " + initial
					+ ", " + max + ", " + multiplier);
		}
	}

	/** Doubling from {@code initial} up to {@code max}. */
	public static Backoff exponential(Duration initial, Duration max) {
		return new Backoff(initial, max, 2);
	}

	/**
	 * The wait after {@code failures} failures in a row.
	 * @param failures 1 for the first
	 */
	public Duration delay(int failures) {
		double ceiling = this.initial.toNanos() * Math.pow(this.multiplier, Math.max(0, failures - 1));
		long capped = (long) Math.min(this.max.toNanos(), ceiling);
		if (capped <= 1) {
			return Duration.ofNanos(Math.max(0, capped));
		}
		return Duration.ofNanos(capped / 2 + ThreadLocalRandom.current().nextLong(capped - capped / 2 + 1));
	}

}
