package dev.dispatch.web.request;

import java.util.stream.Stream;

import dev.dispatch.web.poll.HttpProperties;
import dev.dispatch.web.problem.DispatchProblem;
import dev.dispatch.web.problem.ProblemType;

/**
 * The most bytes one kind of request body may hold, and the name a client is told when a
 * body is larger: a setting's ({@code dispatch.http.max-payload-size}) or, for the bodies
 * whose limit is fixed, a name of its own ({@code settings-body}). Every 413
 * {@code payload-too-large} says which limit applied and its value, in its detail and as
 * the members {@code limit} and {@code maxBytes}.
 *
 * @param name the limit's name: the setting, or the fixed limit's
 * @param body what the limit holds, for people ("a job's payload")
 * @param bytes the most bytes allowed
 * @param configured whether {@code name} is a setting (else a fixed limit)
 */
public record BodyLimit(String name, String body, long bytes, boolean configured) {

	/**
	 * A queue's settings ({@code PUT /v1/queues/{queue}}): a few dozen bytes are typical.
	 */
	public static final BodyLimit SETTINGS = fixed("settings-body", "a queue's settings", 16 * 1024);

	/** A take's body, which must be empty (some clients always send {@code {}}). */
	public static final BodyLimit TAKE = fixed("take-body", "a take's body (which must be empty)", 16 * 1024);

	/** A batch settle's body: a hundred settlements fit. */
	public static final BodyLimit SETTLE = fixed("settle-body", "a batch settle's body", 64 * 1024);

	private static BodyLimit fixed(String name, String body, long bytes) {
		return new BodyLimit(name, body, bytes, false);
	}

	/** A job's payload, alone or in a batch. */
	public static BodyLimit payload(HttpProperties http) {
		return new BodyLimit("dispatch.http.max-payload-size", "a job's payload", http.maxPayloadSize().toBytes(),
				true);
	}

	/** A batch put's body. */
	public static BodyLimit batch(HttpProperties http) {
		return new BodyLimit("dispatch.http.max-batch-size", "a batch put's body", http.maxBatchSize().toBytes(), true);
	}

	/**
	 * The largest of all: what a body sent to an endpoint that reads none is held to.
	 */
	static BodyLimit largest(HttpProperties http) {
		BodyLimit largest = Stream.of(payload(http), batch(http), SETTINGS, TAKE, SETTLE)
			.reduce((a, b) -> (b.bytes > a.bytes) ? b : a)
			.orElseThrow();
		return new BodyLimit(largest.name, "a request body (no endpoint takes a larger one)", largest.bytes,
				largest.configured);
	}

	/** A body over the limit, by what it holds. */
	public DispatchProblem tooLarge() {
		return problem(this.body + " may have at most " + this.bytes + " bytes (" + source() + ")");
	}

	/**
	 * A part of a body over the limit ({@code jobs[3].payload}).
	 */
	public DispatchProblem tooLarge(String part) {
		return problem(part + " is larger than " + this.bytes + " bytes (" + source() + ")");
	}

	/**
	 * A body whose {@code Content-Length} is over the limit, refused before any of it is
	 * read.
	 */
	DispatchProblem declaredTooLarge(long declared) {
		return problem(this.body + " may have at most " + this.bytes + " bytes (" + source() + "); this request"
				+ " declares " + declared + " (Content-Length), and none of it was read");
	}

	private String source() {
		return (this.configured) ? this.name : "a fixed limit, " + this.name;
	}

	private DispatchProblem problem(String detail) {
		DispatchProblem problem = new DispatchProblem(ProblemType.PAYLOAD_TOO_LARGE, detail);
		problem.getBody().setProperty("limit", this.name);
		problem.getBody().setProperty("maxBytes", this.bytes);
		return problem;
	}

}
