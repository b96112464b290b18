package dev.dispatch.client.spring;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.dispatch.client.Job;
import dev.dispatch.client.TraceContext;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;

/**
 * The observations of the starter, and how the trace context travels with a job: a
 * producer's observation ({@value #PUT}) is a {@link SenderContext} whose carrier the
 * tracer fills with {@code traceparent} and {@code tracestate}, which the put sends with
 * the job; a listener's observation ({@value #LISTENER}) is a {@link ReceiverContext}
 * that reads them back from the job, so that the consumer's span continues the producer's
 * trace. With Spring Boot's Micrometer auto-configuration each observation is also a
 * timer of the same name, tagged {@code queue} (and, for listeners, {@code listener} and
 * {@code outcome}).
 */
public final class DispatchObservations {

	/** A put through {@link DispatchTemplate}. */
	public static final String PUT = "dispatch.put";

	/** One run of a {@code @DispatchListener} method. */
	public static final String LISTENER = "dispatch.listener";

	private static final String TRACEPARENT = "traceparent";

	private static final String TRACESTATE = "tracestate";

	private DispatchObservations() {
	}

	/** A put's observation context: its carrier receives the trace context to send. */
	public static final class PutContext extends SenderContext<Map<String, String>> {

		private final String queue;

		PutContext(String queue) {
			super((carrier, key, value) -> carrier.put(key, value));
			this.queue = queue;
			setCarrier(new LinkedHashMap<>());
			setRemoteServiceName("dispatch");
		}

		public String queue() {
			return this.queue;
		}

		/** The trace context the tracer put in the carrier, or null without a tracer. */
		TraceContext trace() {
			String traceparent = getCarrier().get(TRACEPARENT);
			if (traceparent == null) {
				return null;
			}
			try {
				return new TraceContext(traceparent, getCarrier().get(TRACESTATE));
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}

	}

	/** A listener run's observation context: it reads the trace context from the job. */
	public static final class ListenerContext extends ReceiverContext<Job> {

		private final Job job;

		ListenerContext(Job job) {
			super((carrier, key) -> carrier.trace().map((trace) -> switch (key) {
				case TRACEPARENT -> trace.traceparent();
				case TRACESTATE -> trace.tracestate();
				default -> null;
			}).orElse(null));
			this.job = job;
			setCarrier(job);
			setRemoteServiceName("dispatch");
		}

		public Job job() {
			return this.job;
		}

	}

}
