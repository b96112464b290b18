package dev.dispatch.queue.job;

import java.time.Duration;
import java.util.Objects;
import dev.dispatch.queue.QueueArguments;
import dev.dispatch.queue.JobQueue;

/**
 * One job of a {@link JobQueue#putAll batch put}: what a single put carries, but its
 * wait, which the batch shares.
 *
 * @param payload the job's bytes
 * @param idempotencyKey makes the job safe to send again, or {@code null}; see
 * {@link PutOptions}
 * @param delay how long after it is accepted the job becomes ready (zero: at once)
 * @param trace the producer's trace context, handed back with every delivery, or
 * {@code null}
 * @param lane its priority and fairness group
 */
public record NewJob(Payload payload, String idempotencyKey, Duration delay, TraceContext trace, Lane lane) {

	public NewJob {
		Objects.requireNonNull(payload, "payload");
		QueueArguments.requireIdempotencyKey(idempotencyKey);
		QueueArguments.requireDelay(delay);
		Objects.requireNonNull(lane, "lane");
	}

	/** A job in the default lane. */
	public NewJob(Payload payload, String idempotencyKey, Duration delay, TraceContext trace) {
		this(payload, idempotencyKey, delay, trace, Lane.DEFAULT);
	}

	/** A job without a trace context. */
	public NewJob(Payload payload, String idempotencyKey, Duration delay) {
		this(payload, idempotencyKey, delay, null, Lane.DEFAULT);
	}

	/** A job ready at once, without a key. */
	public static NewJob of(Payload payload) {
		return new NewJob(payload, null, Duration.ZERO, null, Lane.DEFAULT);
	}

	public NewJob withIdempotencyKey(String key) {
		return new NewJob(this.payload, key, this.delay, this.trace, this.lane);
	}

	public NewJob withDelay(Duration delay) {
		return new NewJob(this.payload, this.idempotencyKey, delay, this.trace, this.lane);
	}

	public NewJob withTrace(TraceContext trace) {
		return new NewJob(this.payload, this.idempotencyKey, this.delay, trace, this.lane);
	}

	/** This job in another lane: its priority and fairness group. */
	public NewJob withLane(Lane lane) {
		return new NewJob(this.payload, this.idempotencyKey, this.delay, this.trace, lane);
	}

}
