package dev.dispatch.queue;

import java.time.Duration;
import java.util.Objects;
import dev.dispatch.queue.job.PutOptions;

/**
 * Checks of the duration arguments of {@link JobQueue} operations, the same for every
 * backend. Each returns its argument, or throws {@link IllegalArgumentException} naming
 * the rule.
 */
public final class QueueArguments {

	private QueueArguments() {
	}

	/** A wait: zero (never park) or more. */
	public static Duration requireWait(Duration wait) {
		return requireNotNegative("wait", wait);
	}

	/** A delay (of a nack or a put): zero (at once) or more. */
	public static Duration requireDelay(Duration delay) {
		return requireNotNegative("delay", delay);
	}

	/** A lease extension: positive, or {@code null} for the queue's lease timeout. */
	public static Duration requireExtension(Duration by) {
		if (by != null && (by.isNegative() || by.isZero())) {
			throw new IllegalArgumentException("extension must be positive, got " + by);
		}
		return by;
	}

	/**
	 * An idempotency key: {@code null} (none), or 1 to {@value PutOptions#MAX_KEY_LENGTH}
	 * characters.
	 */
	public static String requireIdempotencyKey(String key) {
		if (key != null && (key.isEmpty() || key.length() > PutOptions.MAX_KEY_LENGTH)) {
			throw new IllegalArgumentException(
					"idempotency key must be 1 to " + PutOptions.MAX_KEY_LENGTH + " characters");
		}
		return key;
	}

	private static Duration requireNotNegative(String what, Duration value) {
		Objects.requireNonNull(value, what);
		if (value.isNegative()) {
			throw new IllegalArgumentException(what + " must not be negative, got " + value);
		}
		return value;
	}

}
