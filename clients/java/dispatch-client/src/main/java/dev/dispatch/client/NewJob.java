package dev.dispatch.client;

import java.time.Duration;
import java.util.Objects;

/**
 * A job to put: its payload and, if the producer likes, an idempotency key, a delay and
 * the trace context it carries. Immutable; the {@code with…} methods return a copy.
 *
 * <p>
 * The payload is any value Jackson writes as JSON (an object, a record, a map, a string,
 * a number…), a Jackson {@code JsonNode}, or JSON text given as {@link #json(String)}.
 *
 * @param payload the job's payload
 * @param rawJson whether {@code payload} is JSON text, sent as is
 * @param idempotencyKey the key that makes a repeated put create nothing; null: the
 * client makes one if it has to send the put again
 * @param delay how long the job waits before it becomes ready; null: none
 * @param trace the trace context the job carries; null: none
 */
public record NewJob(Object payload, boolean rawJson, String idempotencyKey, Duration delay, TraceContext trace) {

	public NewJob {
		Objects.requireNonNull(payload, "payload (a JSON null is NewJob.json(\"null\"))");
		if (delay != null && delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative: " + delay);
		}
		if (idempotencyKey != null && idempotencyKey.isBlank()) {
			throw new IllegalArgumentException("an idempotency key may not be blank");
		}
	}

	/** A job whose payload Jackson writes. */
	public static NewJob of(Object payload) {
		return new NewJob(payload, false, null, null, null);
	}

	/** A job whose payload is this JSON text, sent as is. */
	public static NewJob json(String json) {
		return new NewJob(json, true, null, null, null);
	}

	public NewJob withIdempotencyKey(String key) {
		return new NewJob(this.payload, this.rawJson, key, this.delay, this.trace);
	}

	public NewJob withDelay(Duration delay) {
		return new NewJob(this.payload, this.rawJson, this.idempotencyKey, delay, this.trace);
	}

	public NewJob withTrace(TraceContext trace) {
		return new NewJob(this.payload, this.rawJson, this.idempotencyKey, this.delay, trace);
	}

}
