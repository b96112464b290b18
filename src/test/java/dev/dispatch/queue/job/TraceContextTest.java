package dev.dispatch.queue.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TraceContextTest {

	private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

	@Test
	void aValidContextIsKeptAsSent() {
		TraceContext trace = new TraceContext(VALID, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
		assertThat(trace.traceparent()).isEqualTo(VALID);
		assertThat(trace.tracestate()).isEqualTo("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
		assertThat(new TraceContext(VALID, "").tracestate()).as("empty is none").isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
			"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
			"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
			"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
			"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
			"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "not a trace" })
	void aTraceparentTheSpecificationRefusesIsRefused(String traceparent) {
		assertThatIllegalArgumentException().isThrownBy(() -> new TraceContext(traceparent, null))
			.withMessageContaining("traceparent");
		assertThat(TraceContext.ofHeaders(traceparent, "a=b")).as("headers: ignored, not refused").isNull();
	}

	@Test
	void aTracestateTooLongOrNotAsciiIsRefusedButHeadersKeepTheTraceparent() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TraceContext(VALID, "a=" + "b".repeat(511)))
			.withMessageContaining("tracestate");
		assertThatIllegalArgumentException().isThrownBy(() -> new TraceContext(VALID, "a=\u00e9"))
			.withMessageContaining("tracestate");
		assertThat(TraceContext.ofHeaders(VALID, "a=\u00e9")).isEqualTo(new TraceContext(VALID, null));
		assertThat(TraceContext.ofHeaders(" " + VALID + " ", "a=b")).isEqualTo(new TraceContext(VALID, "a=b"));
		assertThat(TraceContext.ofHeaders(null, "a=b")).isNull();
	}

}
