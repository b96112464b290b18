package dev.dispatch.web.request;

import java.util.Collections;
import java.util.List;

import dev.dispatch.queue.job.TraceContext;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The W3C Trace Context of a request's {@code traceparent} and {@code tracestate}
 * headers, which a put keeps with its job. As the specification asks of a receiver, an
 * invalid {@code traceparent} — or one given twice — is ignored rather than refused: it
 * is often added by a proxy or an instrumentation library, not by the caller.
 */
public final class TraceHeaders {

	private TraceHeaders() {
	}

	/** The request's trace context, or {@code null}. */
	public static TraceContext of(HttpServletRequest request) {
		List<String> parents = Collections.list(request.getHeaders("traceparent"));
		if (parents.size() != 1) {
			return null;
		}
		List<String> states = Collections.list(request.getHeaders("tracestate"));
		// several tracestate headers are one list, the specification says
		return TraceContext.ofHeaders(parents.getFirst(), states.isEmpty() ? null : String.join(",", states));
	}

}
