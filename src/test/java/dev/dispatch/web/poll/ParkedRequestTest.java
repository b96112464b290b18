package dev.dispatch.web.poll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.unit.DataSize;
import org.springframework.web.context.request.async.DeferredResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The paths a {@link ParkedRequest} takes, each exactly once: an outcome answered and
 * delivered, an outcome that never reaches the connection given back, a cut before any
 * outcome answered with {@code cutShort} and the operation withdrawn. A request answered
 * at once goes through {@link LongPolls#park}; a parked one's turns are driven here in
 * the order {@code park} wires them, since watching a connection needs Jetty's (the HTTP
 * tests of this package, such as {@code ClientDisconnectTest}, cover that over sockets).
 */
class ParkedRequestTest {

	private static final ResponseEntity<String> CUT = ResponseEntity.noContent().build();

	private final LongPolls polls = new LongPolls(
			new HttpProperties(Duration.ofSeconds(20), Duration.ofSeconds(60), DataSize.ofKilobytes(256),
					Duration.ofSeconds(1), 10000, 15000, 5000, DataSize.ofMegabytes(1), Duration.ofMillis(10)));

	private final Recorded request = new Recorded(
			this.polls.grant(new MockHttpServletRequest("POST", "/v1/queues/q/leases"), "q", Duration.ofSeconds(5)));

	@Test
	void anOutcomeKnownAtOnceIsAnsweredInTheRequestsOwnDispatchAndDelivered() {
		DeferredResult<ResponseEntity<?>> result = this.polls.park(this.request,
				CompletableFuture.completedFuture("job"));
		assertThat(result.hasResult()).isTrue();
		assertThat(result.getResult()).isEqualTo(ResponseEntity.ok("answered job"));
		assertHandedOver(List.of("job"), List.of());
	}

	@Test
	void anOutcomeWhoseAnswerIsAProblemIsGivenBack() {
		this.request.refuse = true;
		DeferredResult<ResponseEntity<?>> result = this.polls.park(this.request,
				CompletableFuture.completedFuture("job"));
		assertThat(result.getResult()).isInstanceOf(IllegalStateException.class);
		assertHandedOver(List.of(), List.of("job"));
	}

	@Test
	void aFailedOperationIsAnsweredWithItsCauseAndNothingToGiveBack() {
		IllegalArgumentException cause = new IllegalArgumentException("bad");
		DeferredResult<ResponseEntity<?>> result = this.polls.park(this.request,
				CompletableFuture.failedFuture(new CompletionException(cause)));
		assertThat(result.getResult()).isSameAs(cause);
		assertHandedOver(List.of(), List.of());
	}

	@Test
	void aCutBeforeAnyOutcomeAnswersCutShortAndWithdrawsTheOperation() {
		CompletableFuture<String> operation = new CompletableFuture<>();
		DeferredResult<ResponseEntity<?>> result = parked(operation);
		this.request.cutNow();
		assertThat(operation.isCancelled()).isTrue();
		assertThat(result.getResult()).isSameAs(CUT);
		this.request.cutNow();
		this.request.end();
		assertThat(this.request.cuts).isOne();
		assertHandedOver(List.of(), List.of());
	}

	@Test
	void anOutcomeDecidedBeforeTheCutIsAnsweredAndTheCutDoesNothing() {
		CompletableFuture<String> operation = new CompletableFuture<>();
		DeferredResult<ResponseEntity<?>> result = parked(operation);
		operation.complete("job");
		this.request.cutNow();
		this.request.end();
		assertThat(result.getResult()).isEqualTo(ResponseEntity.ok("answered job"));
		assertThat(this.request.cuts).isZero();
		assertHandedOver(List.of("job"), List.of());
	}

	@Test
	void anOutcomeForARequestThatHadEndedIsGivenBack() {
		CompletableFuture<String> operation = new CompletableFuture<>();
		DeferredResult<ResponseEntity<?>> result = parked(operation);
		// the request ended (its connection failed, say) as the queue decided
		result.setErrorResult(new IllegalStateException("connection gone"));
		operation.complete("job");
		assertHandedOver(List.of(), List.of("job"));
	}

	/** What became of the request's outcomes: handed to the connection, or given back. */
	private void assertHandedOver(List<String> delivered, List<String> undelivered) {
		assertThat(this.request.delivered).as("delivered").isEqualTo(delivered);
		assertThat(this.request.undelivered).as("undelivered").isEqualTo(undelivered);
	}

	/**
	 * Parks the request as {@link LongPolls#park} does, but for the connection's watch.
	 */
	private DeferredResult<ResponseEntity<?>> parked(CompletableFuture<String> operation) {
		DeferredResult<ResponseEntity<?>> result = new DeferredResult<>(this.request.timeout().toMillis());
		this.request.park(result, operation);
		operation.whenComplete(this.request::settle);
		return result;
	}

	/** A request that records what became of its outcomes. */
	private static final class Recorded extends ParkedRequest<String> {

		final List<String> delivered = new ArrayList<>();

		final List<String> undelivered = new ArrayList<>();

		int cuts;

		boolean refuse;

		Recorded(Grant grant) {
			super(grant);
		}

		@Override
		protected ResponseEntity<?> answer(String outcome) {
			if (this.refuse) {
				throw new IllegalStateException("refused " + outcome);
			}
			return ResponseEntity.ok("answered " + outcome);
		}

		@Override
		protected Object cutShort() {
			this.cuts++;
			return CUT;
		}

		@Override
		protected void undelivered(String outcome) {
			this.undelivered.add(outcome);
		}

		@Override
		protected void delivered(String outcome) {
			this.delivered.add(outcome);
		}

	}

}
