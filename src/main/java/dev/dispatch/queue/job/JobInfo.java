package dev.dispatch.queue.job;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A job a queue holds, as an operator looks it up: read, not leased.
 *
 * @param id the job's id
 * @param payload its bytes, as put
 * @param state where it is
 * @param attempt deliveries so far in this queue
 * @param enqueuedAt when it entered this queue
 * @param readyAt when a {@link State#DELAYED delayed} job becomes ready, else
 * {@code null}
 * @param leaseExpiresAt when a {@link State#LEASED leased} job's lease ends, else
 * {@code null}
 * @param deadLetter why it came to this dead-letter queue, or {@code null}
 * @param trace the producer's trace context, or {@code null}
 * @param lane its priority and fairness group
 */
public record JobInfo(String id, Payload payload, State state, int attempt, Instant enqueuedAt, Instant readyAt,
		Instant leaseExpiresAt, DeadLetter deadLetter, TraceContext trace, Lane lane) {

	/** A job in the default lane. */
	public JobInfo(String id, Payload payload, State state, int attempt, Instant enqueuedAt, Instant readyAt,
			Instant leaseExpiresAt, DeadLetter deadLetter, TraceContext trace) {
		this(id, payload, state, attempt, enqueuedAt, readyAt, leaseExpiresAt, deadLetter, trace, Lane.DEFAULT);
	}

	/** A job without a trace context. */
	public JobInfo(String id, Payload payload, State state, int attempt, Instant enqueuedAt, Instant readyAt,
			Instant leaseExpiresAt, DeadLetter deadLetter) {
		this(id, payload, state, attempt, enqueuedAt, readyAt, leaseExpiresAt, deadLetter, null, Lane.DEFAULT);
	}

	public JobInfo {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(payload, "payload");
		Objects.requireNonNull(state, "state");
		Objects.requireNonNull(enqueuedAt, "enqueuedAt");
		Objects.requireNonNull(lane, "lane");
	}

	/** Where a job is. */
	public enum State {

		/** Waiting for a consumer. */
		READY,

		/** Put or nacked with a delay, not yet ready. */
		DELAYED,

		/** Held by a consumer. */
		LEASED;

		/**
		 * The state as the API writes it: {@code ready}, {@code delayed}, {@code leased}.
		 */
		public String label() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
