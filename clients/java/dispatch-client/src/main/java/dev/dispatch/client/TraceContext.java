package dev.dispatch.client;

import java.util.regex.Pattern;

/**
 * A W3C Trace Context that travels with a job, from the producer's put to the consumer's
 * take: the {@code traceparent} and, if any, the {@code tracestate}.
 *
 * @param traceparent {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}
 * @param tracestate vendor entries, or null
 */
public record TraceContext(String traceparent, String tracestate) {

	private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

	/**
	 * @throws IllegalArgumentException if {@code traceparent} is not one
	 */
	public TraceContext {
		if (traceparent == null || !TRACEPARENT.matcher(traceparent).matches()) {
			throw new IllegalArgumentException("not a W3C traceparent: '" + traceparent + "'");
		}
		if (tracestate != null && tracestate.isBlank()) {
			tracestate = null;
		}
	}

	/** The trace id: 32 hex digits. */
	public String traceId() {
		return this.traceparent.substring(3, 35);
	}

	/** The id of the span that made the job (the producer's): 16 hex digits. */
	public String parentId() {
		return this.traceparent.substring(36, 52);
	}

}
