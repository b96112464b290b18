package dev.dispatch.queue.job;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The producer's W3C Trace Context (https://www.w3.org/TR/trace-context/), kept with a
 * job from its put to every delivery, so that a consumer's work joins the producer's
 * trace.
 *
 * @param traceparent the {@code traceparent}: version, trace id, parent id and flags,
 * lower-case hex ({@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01})
 * @param tracestate the vendors' {@code tracestate}, or {@code null}
 */
public record TraceContext(String traceparent, String tracestate) {

	/** Longest {@code tracestate} kept (the specification's own bound for a receiver). */
	public static final int MAX_TRACESTATE_LENGTH = 512;

	private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

	private static final Pattern TRACESTATE = Pattern.compile("[\\x20-\\x7e]*");

	/**
	 * @throws IllegalArgumentException for a {@code traceparent} the specification says a
	 * receiver must not use (wrong shape, version {@code ff}, a trace or parent id of
	 * zeros), or a {@code tracestate} longer than {@value #MAX_TRACESTATE_LENGTH} or not
	 * of printable ASCII
	 */
	public TraceContext {
		Objects.requireNonNull(traceparent, "traceparent");
		if (!TRACEPARENT.matcher(traceparent).matches() || traceparent.startsWith("ff")
				|| traceparent.regionMatches(3, "0".repeat(32), 0, 32)
				|| traceparent.regionMatches(36, "0".repeat(16), 0, 16)) {
			throw new IllegalArgumentException("traceparent must be a W3C trace context such as "
					+ "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
		}
		if (tracestate != null && tracestate.isEmpty()) {
			tracestate = null;
		}
		if (tracestate != null
				&& (tracestate.length() > MAX_TRACESTATE_LENGTH || !TRACESTATE.matcher(tracestate).matches())) {
			throw new IllegalArgumentException(
					"tracestate must be printable ASCII of at most " + MAX_TRACESTATE_LENGTH + " characters");
		}
	}

	/**
	 * The trace context of a request's headers, or {@code null} when they carry none or
	 * an invalid one: W3C Trace Context asks a receiver to ignore a {@code traceparent}
	 * it cannot parse (and its {@code tracestate} with it) rather than fail.
	 */
	public static TraceContext ofHeaders(String traceparent, String tracestate) {
		if (traceparent == null) {
			return null;
		}
		try {
			return new TraceContext(traceparent.strip(), tracestate);
		}
		catch (IllegalArgumentException ex) {
			try {
				return new TraceContext(traceparent.strip(), null);
			}
			catch (IllegalArgumentException invalid) {
				return null;
			}
		}
	}

}
