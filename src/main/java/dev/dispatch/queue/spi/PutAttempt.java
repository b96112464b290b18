package dev.dispatch.queue.spi;

import java.util.List;
import java.util.Objects;

import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.job.TakeOptions;

/**
 * One try of a put (or of a batch put) at a {@link QueueStore}, made by a
 * {@link WaitingRoom}: the same put may be tried several times, until it is accepted or
 * refused, and always offers the same jobs under the same ids.
 *
 * @param jobs the jobs: one for a single put, one or more for a batch
 * @param ids the id of each job, made once by the room
 * @param batch whether this is a batch put: all or nothing, room for all its new jobs,
 * never handed to a take
 * @param lookUpOnly only look the single put's idempotency key up (answer
 * {@link PutResult.Status#DUPLICATE} or {@link PutResult.Status#UNKNOWN_KEY}): a keyed
 * put that must wait its turn behind parked ones still learns at once that it was
 * accepted before
 * @param handOff whether the job goes straight to a take of this room's, which the store
 * then leases it to (with older ready jobs first, up to the take's max): such a hand-off
 * may go beyond the capacity, as the job does not rest in the queue
 * @param handTo the take to hand to, or {@code null} for {@link HandOff#NONE}
 * @param reserved payload bytes the put already holds reserved in the store, from an
 * earlier try that found the queue full (see {@link PutResult#reserved()})
 * @param repeatable whether this is a try of a put that has parked, which may repeat a
 * try whose answer was lost (the store did not answer): a store whose tries can fail so
 * remembers such a put's acceptance for a while, and answers a repeat (or a look-up) that
 * it was accepted, never accepting it twice. A store whose tries never fail, such as
 * memory, need not.
 */
public record PutAttempt(List<NewJob> jobs, List<String> ids, boolean batch, boolean lookUpOnly, HandOff handOff,
		TakeOptions handTo, long reserved, boolean repeatable) {

	/** A try of a put that has not parked. */
	public PutAttempt(List<NewJob> jobs, List<String> ids, boolean batch, boolean lookUpOnly, HandOff handOff,
			TakeOptions handTo, long reserved) {
		this(jobs, ids, batch, lookUpOnly, handOff, handTo, reserved, false);
	}

	/** Whether a put's job may go straight to a take. */
	public enum HandOff {

		/** It goes to the queue. */
		NONE,

		/** To the room's oldest parked take, which has no try of its own in flight. */
		PARKED,

		/**
		 * To a take whose own first try was sent just before, only if no job is ready:
		 * that try found none, so the take will park; were it handed jobs twice, one set
		 * would go back.
		 */
		IF_NONE_READY

	}

	public PutAttempt {
		jobs = List.copyOf(jobs);
		ids = List.copyOf(ids);
		Objects.requireNonNull(handOff, "handOff");
		if (jobs.isEmpty() || jobs.size() != ids.size()) {
			throw new IllegalArgumentException("a put offers one id per job, at least one job");
		}
		if (!batch && jobs.size() != 1) {
			throw new IllegalArgumentException("a single put offers one job, got " + jobs.size());
		}
		if ((handOff == HandOff.NONE) != (handTo == null)) {
			throw new IllegalArgumentException("a hand-off names its take, and only a hand-off does");
		}
		if (handOff != HandOff.NONE && (batch || lookUpOnly || jobs.getFirst().delay().isPositive())) {
			throw new IllegalArgumentException("only a single put's job that is ready at once is handed to a take");
		}
	}

	/** The single put's job. */
	public NewJob job() {
		return this.jobs.getFirst();
	}

	/** The single put's job id. */
	public String id() {
		return this.ids.getFirst();
	}

	/** Payload bytes of all the jobs. */
	public long bytes() {
		long bytes = 0;
		for (NewJob job : this.jobs) {
			bytes += job.payload().size();
		}
		return bytes;
	}

}
