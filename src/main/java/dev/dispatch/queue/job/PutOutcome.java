package dev.dispatch.queue.job;

import java.time.Instant;
import java.util.List;
import dev.dispatch.queue.JobQueue;

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

	/**
	 * Every job of a {@link JobQueue#putAll batch} is in the queue (or was a repeated
	 * key).
	 *
	 * @param jobs one outcome per job, in the batch's order
	 */
	record AcceptedAll(List<Accepted> jobs) implements PutOutcome {

		public AcceptedAll {
			jobs = List.copyOf(jobs);
		}

		@Override
		public String label() {
			return "accepted";
		}

	}

	/**
	 * The queue had no room for the whole wait: the job was not accepted (for a batch:
	 * none was).
	 *
	 * @param beyondCapacity {@code true} for a batch with more new jobs than the queue's
	 * capacity, refused at once: waiting would not help, only a smaller batch (or a
	 * larger capacity) would
	 */
	record Full(boolean beyondCapacity) implements PutOutcome {

		/** The queue stayed full for the whole wait. */
		public Full() {
			this(false);
		}

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
