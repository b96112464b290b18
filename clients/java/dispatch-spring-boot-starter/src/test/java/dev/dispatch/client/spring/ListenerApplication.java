package dev.dispatch.client.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;

import dev.dispatch.client.Job;
import dev.dispatch.client.Lease;
import io.micrometer.tracing.Tracer;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * An application as a user writes one: listener methods on a bean, a template to put
 * with, and (for the trace test) a tracer whose finished spans it keeps.
 */
@SpringBootApplication
class ListenerApplication {

	static final String EMAILS = "emails";

	static final String FLAKY = "flaky";

	static final String MANUAL = "manual";

	record Email(String to, String template) {
	}

	/** What the listeners saw, in order. */
	record Seen(String queue, Object payload, int attempt, String traceId, String leaseId) {
	}

	@Bean
	Listeners listeners(Tracer tracer) {
		return new Listeners(tracer);
	}

	@Bean
	FinishedSpans finishedSpans() {
		return new FinishedSpans();
	}

	static class Listeners {

		final List<Seen> seen = new CopyOnWriteArrayList<>();

		private final Tracer tracer;

		Listeners(Tracer tracer) {
			this.tracer = tracer;
		}

		@DispatchListener(queue = "${test.queue-prefix:}" + EMAILS, concurrency = "2", prefetch = "2", lease = "5s")
		void send(Email email, Job job) {
			this.seen.add(new Seen(EMAILS, email, job.attempt(), traceId(), null));
		}

		@DispatchListener(queue = FLAKY)
		void flaky(String payload, Job job) {
			this.seen.add(new Seen(FLAKY, payload, job.attempt(), traceId(), null));
			if (job.attempt() == 1) {
				throw new IllegalStateException("the first attempt fails");
			}
		}

		@DispatchListener(queue = MANUAL)
		void manual(Lease lease, Integer payload) {
			this.seen.add(new Seen(MANUAL, payload, lease.job().attempt(), traceId(), lease.leaseId()));
			if (of(MANUAL).size() == 1) {
				lease.release();
			}
			else {
				lease.ack();
			}
		}

		List<Seen> of(String queue) {
			return this.seen.stream().filter((seen) -> seen.queue().equals(queue)).toList();
		}

		private String traceId() {
			var span = this.tracer.currentSpan();
			return (span != null) ? span.context().traceId() : null;
		}

	}

	/** Keeps every span that ends, at once (no batching). */
	static class FinishedSpans implements SpanProcessor {

		final List<SpanData> spans = new CopyOnWriteArrayList<>();

		@Override
		public void onStart(io.opentelemetry.context.Context parentContext,
				io.opentelemetry.sdk.trace.ReadWriteSpan span) {
		}

		@Override
		public boolean isStartRequired() {
			return false;
		}

		@Override
		public void onEnd(ReadableSpan span) {
			this.spans.add(span.toSpanData());
		}

		@Override
		public boolean isEndRequired() {
			return true;
		}

	}

}
