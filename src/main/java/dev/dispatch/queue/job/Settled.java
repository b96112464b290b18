package dev.dispatch.queue.job;

import java.time.Instant;

/**
 * What one {@link Settle settlement} of a batch did.
 *
 * @param held whether the lease was held, so the settlement took effect (otherwise it had
 * been settled, had expired, or was never issued, and nothing happened)
 * @param leaseExpiresAt an extension's new deadline; {@code null} for the other actions
 * and for a lease not held
 */
public record Settled(boolean held, Instant leaseExpiresAt) {

	/** A lease that was not held: nothing happened. */
	public static final Settled NOT_HELD = new Settled(false, null);

	/** An ack, nack or release that took effect. */
	public static final Settled DONE = new Settled(true, null);

}
