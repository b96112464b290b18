package dev.dispatch.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A job held by this consumer until it is settled or its lease ends: settle it with
 * exactly one of {@link #ack()}, {@link #nack(Duration)} or {@link #release()}, and
 * {@link #extend(Duration)} it while working past its deadline. Each call is one request
 * (or, inside a {@link DispatchConsumer}, a settlement the loop sends); a lease no longer
 * held fails with {@link LeaseExpiredException}.
 */
public interface Lease {

	/** The job. */
	Job job();

	/** The lease's id. */
	String leaseId();

	/** When the lease ends unless settled or extended (as last known). */
	Instant expiresAt();

	/** The job is done. */
	void ack();

	/**
	 * The job failed: back to the head of its queue after {@code delay}, or to the
	 * dead-letter queue after its last attempt.
	 */
	void nack(Duration delay);

	/**
	 * The lease now ends {@code by} from now.
	 * @return the new end
	 */
	Instant extend(Duration by);

	/**
	 * The job goes back to the head of the queue at once, untried: its attempt does not
	 * count (for a job this consumer will not work on).
	 */
	void release();

}
