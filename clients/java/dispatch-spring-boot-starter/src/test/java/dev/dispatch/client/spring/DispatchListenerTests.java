package dev.dispatch.client.spring;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import io.opentelemetry.sdk.trace.data.SpanData;

import dev.dispatch.client.DispatchClient;
import dev.dispatch.client.Accepted;
import dev.dispatch.client.spring.ListenerApplication.Email;
import dev.dispatch.client.spring.ListenerApplication.Seen;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter in a Spring Boot application against a real Dispatch (the fixture's shared
 * server, wired by {@code @WithDispatchServer}); run on each backend by the subclasses.
 */
@SpringBootTest(classes = ListenerApplication.class,
		properties = { "dispatch.client.listener.poll-wait=1s", "dispatch.client.listener.nack-delay=10ms",
				"dispatch.client.listener.max-nack-delay=50ms", "dispatch.client.listener.shutdown-grace=1s",
				"management.tracing.sampling.probability=1.0" })
@AutoConfigureTracing
abstract class DispatchListenerTests {

	@Autowired
	DispatchTemplate template;

	@Autowired
	DispatchClient client;

	@Autowired
	ListenerApplication.Listeners listeners;

	@Autowired
	ListenerApplication.FinishedSpans finished;

	@Autowired
	DispatchListenerContainer container;

	@Autowired
	MeterRegistry meters;

	@Autowired
	Tracer tracer;

	@Test
	void aListenerMethodGetsThePayloadBoundToItsParameter() {
		Accepted accepted = this.template.put(ListenerApplication.EMAILS, new Email("ada@example.org", "welcome"));
		Email email = new Email("ada@example.org", "welcome");
		eventually("the email handled", () -> seen(email) != null);
		assertThat(seen(email).attempt()).isEqualTo(1);
		assertThat(accepted.queue()).isEqualTo(ListenerApplication.EMAILS);
		eventually("the email acked", () -> this.client.queueInfo(ListenerApplication.EMAILS).unfinished() == 0);
		Timer timer = this.meters.find(DispatchObservations.LISTENER)
			.tags("queue", ListenerApplication.EMAILS, "outcome", "success", "listener", "listeners.send")
			.timer();
		assertThat(timer).isNotNull();
		assertThat(timer.count()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void aFailingListenerIsTimedAsAFailureAndItsJobTriedAgain() {
		this.template.put(ListenerApplication.FLAKY, "flaky");
		eventually("the job tried twice", () -> this.listeners.of(ListenerApplication.FLAKY).size() == 2);
		assertThat(this.listeners.of(ListenerApplication.FLAKY)).extracting(Seen::attempt).containsExactly(1, 2);
		eventually("the job acked", () -> this.client.queueInfo(ListenerApplication.FLAKY).unfinished() == 0);
		assertThat(this.meters.find(DispatchObservations.LISTENER)
			.tags("queue", ListenerApplication.FLAKY, "outcome", "failure")
			.timer()
			.count()).isEqualTo(1);
	}

	@Test
	void aLeaseParameterSettlesTheJobByHand() {
		this.template.put(ListenerApplication.MANUAL, 7);
		eventually("the job seen twice", () -> this.listeners.of(ListenerApplication.MANUAL).size() == 2);
		// released, not nacked: the attempt was not counted
		assertThat(this.listeners.of(ListenerApplication.MANUAL)).extracting(Seen::attempt).containsExactly(1, 1);
		eventually("the job acked", () -> this.client.queueInfo(ListenerApplication.MANUAL).unfinished() == 0);
	}

	@Test
	void theContainerRunsAConsumerPerListenerAsALifecycle() {
		assertThat(this.container.listenerCount()).isEqualTo(3);
		assertThat(this.container.isRunning()).isTrue();
		assertThat(this.container.isAutoStartup()).isTrue();
	}

	@Test
	void theTraceSpansProducerAndConsumer() {
		Span parent = this.tracer.nextSpan().name("checkout").start();
		try (Tracer.SpanInScope scope = this.tracer.withSpan(parent)) {
			this.template.put(ListenerApplication.EMAILS, new Email("traced@example.org", "receipt"));
		}
		finally {
			parent.end();
		}
		String traceId = parent.context().traceId();
		Email email = new Email("traced@example.org", "receipt");
		eventually("the traced email handled", () -> seen(email) != null);
		assertThat(span("emails send", traceId)).as("the put's span, in the producer's trace").isNotNull();
		assertThat(seen(email).traceId()).as("the listener ran in the producer's trace").isEqualTo(traceId);
		eventually("the consumer's span ended", () -> span("emails process", traceId) != null);
		SpanData put = span("emails send", traceId);
		SpanData process = span("emails process", traceId);
		assertThat(put).isNotNull();
		assertThat(process.getParentSpanId()).as("the consumer's span is the producer's child")
			.isEqualTo(put.getSpanId());
	}

	/** What the emails listener saw of this email; null if it has not seen it. */
	private Seen seen(Email email) {
		return this.listeners.of(ListenerApplication.EMAILS)
			.stream()
			.filter((each) -> each.payload().equals(email))
			.findFirst()
			.orElse(null);
	}

	private SpanData span(String name, String traceId) {
		return this.finished.spans.stream()
			.filter((span) -> span.getName().equals(name) && span.getTraceId().equals(traceId))
			.findFirst()
			.orElse(null);
	}

	static void eventually(String what, BooleanSupplier condition) {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
		while (!condition.getAsBoolean()) {
			assertThat(Instant.now()).as("not within 30 s: " + what).isBefore(deadline);
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

}
