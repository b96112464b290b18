package dev.dispatch.queue.job;

import java.time.Instant;
import java.util.Objects;

/**
 * A job as handed to a consumer.
 *
 * @param leaseId the lease to ack, nack or extend; {@code null} when the take settled the
 * job at delivery
 * @param jobId the job's id, the same on every delivery and in the dead-letter queue
 * @param payload the job's payload, as sent
 * @param attempt 1 on the first delivery, one more on each redelivery
 * @param enqueuedAt when the job entered this queue
 * @param leaseExpiresAt when the lease ends unless extended; {@code null} without a lease
 * @param deadLetter why the job came to this dead-letter queue, or {@code null}
 * @param trace the producer's trace context, or {@code null}
 * @param lane the job's priority and fairness group
 */
public record Delivery(String leaseId, String jobId, Payload payload, int attempt, Instant enqueuedAt,
		Instant leaseExpiresAt, DeadLetter deadLetter, TraceContext trace, Lane lane) {

	public Delivery {
		Objects.requireNonNull(lane, "lane");
	}

	/** A delivery of a job in the default lane. */
	public Delivery(String leaseId, String jobId, Payload payload, int attempt, Instant enqueuedAt,
			Instant leaseExpiresAt, DeadLetter deadLetter, TraceContext trace) {
		this(leaseId, jobId, payload, attempt, enqueuedAt, leaseExpiresAt, deadLetter, trace, Lane.DEFAULT);
	}

	/** A delivery of a job without a trace context. */
	public Delivery(String leaseId, String jobId, Payload payload, int attempt, Instant enqueuedAt,
			Instant leaseExpiresAt, DeadLetter deadLetter) {
		this(leaseId, jobId, payload, attempt, enqueuedAt, leaseExpiresAt, deadLetter, null, Lane.DEFAULT);
	}

}
