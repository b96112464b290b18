package dev.dispatch.queue;

import java.time.Instant;

/** What became of a put. */
public sealed interface PutOutcome {

	/** A short lower-case name of the outcome, fit for a metric tag. */
	String label();

	/**
	 * The job is in the queue (or was handed straight to a consumer).
	 *
	 * @param jobId the job's id
	 * @param enqueuedAt when the job was accepted
	 * @param duplicate {@code true} when the idempotency key was already accepted:
	 * nothing new was created and the id is the original job's
	 */
	record Accepted(String jobId, Instant enqueuedAt, boolean duplicate) implements PutOutcome {

		@Override
		public String label() {
			return this.duplicate ? "duplicate" : "accepted";
		}

	}

	/** The wait elapsed with the queue still full: the job was not accepted. */
	record Full() implements PutOutcome {

		@Override
		public String label() {
			return "full";
		}

	}

	/** The queue is closed: the job was not accepted. */
	record Closed() implements PutOutcome {

		@Override
		public String label() {
			return "closed";
		}

	}

	/**
	 * The service holds as many payload bytes as it may: the job was not accepted, at
	 * once, whatever the put's wait. Room comes back as other jobs are settled.
	 */
	record StorageFull() implements PutOutcome {

		@Override
		public String label() {
			return "storage-full";
		}

	}

}
