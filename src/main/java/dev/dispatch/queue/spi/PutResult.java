package dev.dispatch.queue.spi;

import java.util.List;
import java.util.Objects;

import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.PutOutcome;

/**
 * What a {@link QueueStore} did with one {@link PutAttempt}.
 *
 * @param status what happened
 * @param outcome for {@code ACCEPTED} and {@code UNCONFIRMED} the jobs created
 * ({@link PutOutcome.Accepted} for a single put, {@link PutOutcome.AcceptedAll} for a
 * batch); for {@code DUPLICATE} the original job; else {@code null}
 * @param handed the jobs a hand-off leased to the take (oldest first, the put's own last
 * or among them), or none
 * @param needed for {@code FULL} on a batch, how many new jobs it needs room for
 * @param reserved payload bytes the put holds reserved in the store after this try: a
 * {@code FULL} answer may have reserved them for the put while it waits (a store that
 * bounds what parked puts hold, see {@link QueueStore#unreserve}); zero once accepted
 */
public record PutResult(Status status, PutOutcome outcome, List<Delivery> handed, int needed, long reserved) {

	/** What a put's try came to. */
	public enum Status {

		/** The jobs are in the queue (or handed to the take). */
		ACCEPTED,

		/**
		 * The jobs are in the queue, but fewer replicas of the store than asked confirmed
		 * them within its timeout.
		 */
		UNCONFIRMED,

		/** The single put's key was accepted before: nothing was created. */
		DUPLICATE,

		/** A look-up only: the key is not known. */
		UNKNOWN_KEY,

		/** The queue is closed: nothing was created. */
		CLOSED,

		/** No room now: nothing was created. */
		FULL,

		/** A batch with more new jobs than the capacity: it could never fit. */
		TOO_BIG,

		/** The store holds as many payload bytes as it may: nothing was created. */
		STORAGE_FULL

	}

	public PutResult {
		Objects.requireNonNull(status, "status");
		handed = List.copyOf(handed);
	}

	/** A result without an outcome, hand-off or reservation. */
	public static PutResult of(Status status) {
		return new PutResult(status, null, List.of(), 0, 0);
	}

	/** Jobs created, and those a hand-off leased to the take. */
	public static PutResult accepted(PutOutcome outcome, List<Delivery> handed) {
		return new PutResult(Status.ACCEPTED, outcome, handed, 0, 0);
	}

	/** The single put's key was accepted before, for {@code original}. */
	public static PutResult duplicate(PutOutcome.Accepted original) {
		return new PutResult(Status.DUPLICATE, original, List.of(), 0, 0);
	}

	/** No room now for {@code needed} new jobs; the put holds {@code reserved} bytes. */
	public static PutResult full(int needed, long reserved) {
		return new PutResult(Status.FULL, null, List.of(), needed, reserved);
	}

}
