package dev.dispatch.web.request;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.dispatch.queue.job.Lane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.web.problem.DispatchProblem;
import dev.dispatch.web.problem.InvalidRequestException;
import dev.dispatch.web.problem.ProblemType;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The parameters of a put, a take and a wait, each read in one place: their defaults,
 * their values, and a bad one refused by name. (Over HTTP, HttpApiTest and
 * HostileInputTest hold the endpoints to the same.)
 */
class PollParametersTest {

	@Test
	void aPutWithoutParametersWaitsAsGrantedAndIsReadyAtOnce() {
		PollParameters.Put put = PollParameters.put(request(null), null);
		assertThat(put.waiting()).isNull();
		assertThat(put.delay()).isZero();
		assertThat(put.idempotencyKey()).isNull();
	}

	@Test
	void aPutsParametersAreReadTogether() {
		PollParameters.Put put = PollParameters.put(request("delay=30s&wait=500ms&priority=7&group=t-1"), "order-42");
		assertThat(put).isEqualTo(
				new PollParameters.Put(Duration.ofMillis(500), Duration.ofSeconds(30), "order-42", Lane.of(7, "t-1")));
		assertThat(PollParameters.put(request("priority=&group="), null).lane()).isEqualTo(Lane.DEFAULT);
		assertThat(PollParameters.put(request("wait=&delay="), "").idempotencyKey()).isNull();
	}

	@Test
	void aTakeWithoutParametersTakesOneJobAndLeasesIt() {
		assertThat(PollParameters.take(request(null))).isEqualTo(new PollParameters.Take(1, null, null, false));
	}

	@Test
	void aTakesParametersAreReadTogether() {
		assertThat(PollParameters.take(request("max=" + TakeOptions.MAX_BATCH + "&wait=2m&lease=PT90S&ack=auto")))
			.isEqualTo(new PollParameters.Take(TakeOptions.MAX_BATCH, Duration.ofMinutes(2), Duration.ofSeconds(90),
					true));
		assertThat(PollParameters.take(request("ack=manual")).autoAck()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "ack=yes", "max=0", "max=101", "max=x", "wait=-1s", "wait=soon", "lease=0", "lease=x" })
	void aBadTakeParameterIsRefusedByName(String query) {
		String name = query.substring(0, query.indexOf('='));
		assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> PollParameters.take(request(query)))
			.withMessageContaining("'" + name + "'");
	}

	@Test
	void aWaitIsReadAsAskedOrNotAtAll() {
		assertThat(PollParameters.waitOf(request("wait=1.5"))).isEqualTo(Duration.ofMillis(1500));
		assertThat(PollParameters.waitOf(request("wait=0"))).isZero();
		assertThat(PollParameters.waitOf(request("wait="))).isNull();
		assertThat(PollParameters.waitOf((String) null)).isNull();
		assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> PollParameters.waitOf("2 days"))
			.withMessageContaining("'wait'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "{}", " { } ", "null" })
	void aTakesBodyMaySayNothing(String body) {
		PollParameters.requireNoTakeOptionsInBody(request(null, body));
	}

	@Test
	void aTakesOptionsInItsBodyAreRefused() {
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> PollParameters.requireNoTakeOptionsInBody(request(null, "{\"max\": 3}")))
			.withMessageContaining("query string");
		assertThatExceptionOfType(DispatchProblem.class)
			.isThrownBy(() -> PollParameters
				.requireNoTakeOptionsInBody(request(null, " ".repeat((int) BodyLimit.TAKE.bytes() + 1))))
			.satisfies((problem) -> assertThat(problem.getBody().getType())
				.hasToString(DispatchProblem.TYPE_PREFIX + ProblemType.PAYLOAD_TOO_LARGE.slug()));
	}

	private static MockHttpServletRequest request(String query) {
		return request(query, "");
	}

	private static MockHttpServletRequest request(String query, String body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/queues/q/leases");
		request.setQueryString(query);
		request.setContent(body.getBytes(StandardCharsets.UTF_8));
		return request;
	}

}
