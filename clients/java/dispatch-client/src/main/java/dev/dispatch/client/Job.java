package dev.dispatch.client;

import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job as a take hands it over: its id, payload, attempt and, if its producer sent one,
 * the trace context it carries. Immutable.
 */
public final class Job {

	private final String queue;

	private final String id;

	private final JsonNode payload;

	private final int attempt;

	private final Instant enqueuedAt;

	private final TraceContext trace;

	private final DeadLetter deadLetter;

	private final int priority;

	private final String group;

	private final JsonMapper mapper;

	Job(String queue, String id, JsonNode payload, int attempt, Instant enqueuedAt, TraceContext trace,
			DeadLetter deadLetter, int priority, String group, JsonMapper mapper) {
		this.queue = queue;
		this.id = id;
		this.payload = payload;
		this.attempt = attempt;
		this.enqueuedAt = enqueuedAt;
		this.trace = trace;
		this.deadLetter = deadLetter;
		this.priority = priority;
		this.group = group;
		this.mapper = mapper;
	}

	/** Reads one job of a take's answer. */
	static Job of(String queue, JsonNode envelope, JsonMapper mapper) {
		String traceparent = Json.text(envelope, "traceparent");
		TraceContext trace = null;
		if (traceparent != null) {
			try {
				trace = new TraceContext(traceparent, Json.text(envelope, "tracestate"));
			}
			catch (IllegalArgumentException ex) {
				// W3C Trace Context: a receiver ignores a malformed traceparent
			}
		}
		JsonNode dead = envelope.get("deadLetter");
		DeadLetter deadLetter = (dead != null && dead.isObject())
				? new DeadLetter(Json.text(dead, "queue"), Json.text(dead, "reason"), dead.path("attempts").asInt())
				: null;
		return new Job(queue, envelope.path("jobId").asString(), envelope.get("payload"),
				envelope.path("attempt").asInt(), Instant.parse(envelope.path("enqueuedAt").asString()), trace,
				deadLetter, envelope.path("priority").asInt(5), Json.text(envelope, "group"), mapper);
	}

	/** The queue the job was taken from. */
	public String queue() {
		return this.queue;
	}

	public String id() {
		return this.id;
	}

	/** The payload as a JSON tree. */
	public JsonNode payload() {
		return this.payload;
	}

	/** The payload bound to {@code type} by Jackson. */
	public <T> T payload(Class<T> type) {
		return this.mapper.treeToValue(this.payload, type);
	}

	/**
	 * The payload bound to a generic {@code type} (a method parameter's, say) by Jackson.
	 */
	public Object payload(Type type) {
		return this.mapper.treeToValue(this.payload, this.mapper.constructType(type));
	}

	/**
	 * The payload as JSON text (written again from the tree: equal, but not always byte
	 * for byte).
	 */
	public String payloadJson() {
		return this.mapper.writeValueAsString(this.payload);
	}

	/** Deliveries of the job so far, this one included. */
	public int attempt() {
		return this.attempt;
	}

	public Instant enqueuedAt() {
		return this.enqueuedAt;
	}

	/** The trace context its producer sent, if any. */
	public Optional<TraceContext> trace() {
		return Optional.ofNullable(this.trace);
	}

	/** Its priority, 1 to 9 (5 unless its producer chose one). */
	public int priority() {
		return this.priority;
	}

	/** Its fairness group, if its producer put it in one. */
	public Optional<String> group() {
		return Optional.ofNullable(this.group);
	}

	/** For a job taken from a dead-letter queue: where it failed, and why. */
	public Optional<DeadLetter> deadLetter() {
		return Optional.ofNullable(this.deadLetter);
	}

	@Override
	public String toString() {
		return "Job[" + this.queue + "/" + this.id + ", attempt " + this.attempt + "]";
	}

}
