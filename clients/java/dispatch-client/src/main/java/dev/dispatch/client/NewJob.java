package dev.dispatch.client;

import java.time.Duration;
import java.util.Objects;

/**
 * A job to put: its payload and, if the producer likes, an idempotency key, a delay, the
 * trace context it carries, a priority and a fairness group. Immutable; the {@code with…}
 * methods return a copy.
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
 * @param priority 1 to 9, higher is served first; null: the service's default (5)
 * @param group the fairness group (such as a tenant) whose jobs take turns with other
 * groups'; null: the default group
 */
public record NewJob(Object payload, boolean rawJson, String idempotencyKey, Duration delay, TraceContext trace,
		Integer priority, String group) {

	public NewJob {
		Objects.requireNonNull(payload, "payload (a JSON null is NewJob.json(\"null\"))");
		if (delay != null && delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative: " + delay);
		}
		if (idempotencyKey != null && idempotencyKey.isBlank()) {
			throw new IllegalArgumentException("an idempotency key may not be blank");
		}
		if (priority != null && (priority < 1 || priority > 9)) {
			throw new IllegalArgumentException("priority must be 1 to 9, got " + priority);
		}
		if (group != null && (group.isEmpty() || group.length() > 128)) {
			throw new IllegalArgumentException("a group must be 1 to 128 characters");
		}
	}

	/** A job whose payload Jackson writes. */
	public static NewJob of(Object payload) {
		return new NewJob(payload, false, null, null, null, null, null);
	}

	/** A job whose payload is this JSON text, sent as is. */
	public static NewJob json(String json) {
		return new NewJob(json, true, null, null, null, null, null);
	}

	public NewJob withIdempotencyKey(String key) {
		return new NewJob(this.payload, this.rawJson, key, this.delay, this.trace, this.priority, this.group);
	}

	public NewJob withDelay(Duration delay) {
		return new NewJob(this.payload, this.rawJson, this.idempotencyKey, delay, this.trace, this.priority,
				this.group);
	}

	public NewJob withTrace(TraceContext trace) {
		return new NewJob(this.payload, this.rawJson, this.idempotencyKey, this.delay, trace, this.priority,
				this.group);
	}

	/** This job at priority 1 to 9 (higher is served first). */
	public NewJob withPriority(int priority) {
		return new NewJob(this.payload, this.rawJson, this.idempotencyKey, this.delay, this.trace, priority,
				this.group);
	}

	/** This job in a fairness group, such as a tenant: groups take turns. */
	public NewJob withGroup(String group) {
		return new NewJob(this.payload, this.rawJson, this.idempotencyKey, this.delay, this.trace, this.priority,
				group);
	}

}
