package dev.dispatch.queue.job;

import java.time.Duration;
import java.util.Objects;
import dev.dispatch.queue.QueueArguments;

/**
 * How a put behaves.
 *
 * @param maxWait how long the put may wait for room; zero never waits
 * @param idempotencyKey a key that makes a repeated put create nothing, or {@code null}
 * @param delay how long after it is accepted the job becomes ready; zero: at once. A
 * delayed job takes room in the queue while it waits, and joins the tail of the queue
 * when due
 * @param trace the producer's trace context, handed back with every delivery of the job,
 * or {@code null}
 * @param lane the job's priority and fairness group
 */
public record PutOptions(Duration maxWait, String idempotencyKey, Duration delay, TraceContext trace, Lane lane) {

	/** Longest idempotency key accepted. */
	public static final int MAX_KEY_LENGTH = 256;

	public PutOptions {
		QueueArguments.requireWait(maxWait);
		QueueArguments.requireIdempotencyKey(idempotencyKey);
		QueueArguments.requireDelay(delay);
		Objects.requireNonNull(lane, "lane");
	}

	/** A put of a job in the default lane. */
	public PutOptions(Duration maxWait, String idempotencyKey, Duration delay, TraceContext trace) {
		this(maxWait, idempotencyKey, delay, trace, Lane.DEFAULT);
	}

	/** A put of a job that is ready at once. */
	public PutOptions(Duration maxWait, String idempotencyKey) {
		this(maxWait, idempotencyKey, Duration.ZERO, null);
	}

	/** A put without a trace context. */
	public PutOptions(Duration maxWait, String idempotencyKey, Duration delay) {
		this(maxWait, idempotencyKey, delay, null);
	}

	/** A put that waits up to {@code wait}, without an idempotency key. */
	public static PutOptions waiting(Duration wait) {
		return new PutOptions(wait, null);
	}

	/** A put that never waits: {@code put_nowait}. */
	public static PutOptions noWait() {
		return new PutOptions(Duration.ZERO, null);
	}

	/** These options with an idempotency key. */
	public PutOptions withIdempotencyKey(String key) {
		return new PutOptions(this.maxWait, key, this.delay, this.trace, this.lane);
	}

	/** These options for a job that becomes ready {@code delay} after it is accepted. */
	public PutOptions withDelay(Duration delay) {
		return new PutOptions(this.maxWait, this.idempotencyKey, delay, this.trace, this.lane);
	}

	/** These options for a job that carries the producer's trace context. */
	public PutOptions withTrace(TraceContext trace) {
		return new PutOptions(this.maxWait, this.idempotencyKey, this.delay, trace, this.lane);
	}

	/** These options for a job in another lane: its priority and fairness group. */
	public PutOptions withLane(Lane lane) {
		return new PutOptions(this.maxWait, this.idempotencyKey, this.delay, this.trace, lane);
	}

	/** Whether the job waits before it becomes ready. */
	public boolean delayed() {
		return this.delay.isPositive();
	}

}
