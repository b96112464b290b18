package dev.dispatch.client;

import java.time.Duration;
import java.util.Objects;

/**
 * One settlement of a lease, for {@link DispatchClient#settle}: an ack, a nack (with a
 * delay), an extension (by a duration) or a release.
 *
 * @param leaseId the lease
 * @param action what to do with it
 * @param duration a nack's delay or an extension's length; null for the others (and a
 * nack without delay, an extension by the queue's lease timeout)
 */
public record Settlement(String leaseId, Action action, Duration duration) {

	public Settlement {
		Objects.requireNonNull(leaseId, "leaseId");
		Objects.requireNonNull(action, "action");
		if (duration != null && (action == Action.ACK || action == Action.RELEASE)) {
			throw new IllegalArgumentException("an " + action + " takes no duration");
		}
	}

	public static Settlement ack(String leaseId) {
		return new Settlement(leaseId, Action.ACK, null);
	}

	public static Settlement nack(String leaseId, Duration delay) {
		return new Settlement(leaseId, Action.NACK, delay);
	}

	public static Settlement extend(String leaseId, Duration by) {
		return new Settlement(leaseId, Action.EXTEND, by);
	}

	public static Settlement release(String leaseId) {
		return new Settlement(leaseId, Action.RELEASE, null);
	}

	/** What a settlement does. */
	public enum Action {

		ACK, NACK, EXTEND, RELEASE;

		String wireName() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}
