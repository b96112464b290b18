package dev.dispatch.backend.memory;

import java.time.Instant;

import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.job.Lane;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.TraceContext;

/**
 * A job in a {@link MemoryQueueStore}. Mutable parts are guarded by the owning store's
 * lock.
 */
final class MemoryJob {

	final String id;

	final Payload payload;

	final Instant enqueuedAt;

	/** Why the job came to this dead-letter queue, or null. */
	final DeadLetter deadLetter;

	/** The producer's trace context, or null. */
	final TraceContext trace;

	/** Its priority and fairness group. */
	final Lane lane;

	/** Deliveries so far in this queue. */
	int attempt;

	/** When it becomes ready, if it is delayed; left behind once it is ready. */
	Instant dueAt;

	/** Its latest lease; held if the store's leases still map that lease's id to it. */
	Lease lease;

	MemoryJob(String id, Payload payload, Instant enqueuedAt, DeadLetter deadLetter, TraceContext trace, Lane lane) {
		this.id = id;
		this.payload = payload;
		this.enqueuedAt = enqueuedAt;
		this.deadLetter = deadLetter;
		this.trace = trace;
		this.lane = lane;
	}

	/** A job held by a consumer. Mutable parts guarded by the store's lock. */
	static final class Lease {

		final String id;

		final MemoryJob job;

		Instant expiresAt;

		Scheduler.Cancellable expiry;

		Lease(String id, MemoryJob job, Instant expiresAt) {
			this.id = id;
			this.job = job;
			this.expiresAt = expiresAt;
		}

	}

}
