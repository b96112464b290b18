package dev.dispatch.queue.job;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import dev.dispatch.queue.QueueArguments;
import dev.dispatch.queue.JobQueue;

/**
 * One lease to settle in a {@link JobQueue#settle batch}: what to do with it, as the
 * operation of the same name does.
 *
 * @param leaseId the lease
 * @param action what to do
 * @param duration a nack's delay (zero or more), an extension's length (positive, or
 * {@code null} for the queue's lease timeout); {@code null} for an ack or a release
 */
public record Settle(String leaseId, Action action, Duration duration) {

	/** What a settlement does: {@link JobQueue#ack}, {@link JobQueue#nack} and so on. */
	public enum Action {

		ACK, NACK, EXTEND, RELEASE;

		/** The action's name in the API: {@code ack}, {@code nack}, … */
		public String label() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	public Settle {
		Objects.requireNonNull(leaseId, "leaseId");
		Objects.requireNonNull(action, "action");
		switch (action) {
			case NACK -> QueueArguments.requireDelay(duration);
			case EXTEND -> QueueArguments.requireExtension(duration);
			case ACK, RELEASE -> {
				if (duration != null) {
					throw new IllegalArgumentException(action.label() + " takes no duration, got " + duration);
				}
			}
		}
	}

	public static Settle ack(String leaseId) {
		return new Settle(leaseId, Action.ACK, null);
	}

	public static Settle nack(String leaseId, Duration delay) {
		return new Settle(leaseId, Action.NACK, delay);
	}

	/** Extends by {@code by}, or by the queue's lease timeout if {@code null}. */
	public static Settle extend(String leaseId, Duration by) {
		return new Settle(leaseId, Action.EXTEND, by);
	}

	public static Settle release(String leaseId) {
		return new Settle(leaseId, Action.RELEASE, null);
	}

}
