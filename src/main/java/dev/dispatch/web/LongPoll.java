package dev.dispatch.web;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Parks an HTTP request on a queue operation without holding a thread. The queue answers
 * when its own wait elapses; the {@link DeferredResult}'s timeout, a little later, is
 * only a backstop. When the request times out, fails or its client goes away, the parked
 * operation is cancelled; if the queue had already decided its outcome, that outcome is
 * handed to {@code undelivered} (a take gives its jobs back), so no job is lost between
 * the queue and the socket.
 */
final class LongPoll {

	/** How much longer than the queue's own wait the request may stay parked. */
	static final Duration BACKSTOP = Duration.ofSeconds(5);

	private LongPoll() {
	}

	static <T> DeferredResult<ResponseEntity<?>> park(CompletableFuture<T> operation, Duration wait,
			Function<T, ResponseEntity<?>> answer, Supplier<Object> timedOut, Consumer<T> undelivered) {
		return park(operation, wait, answer, timedOut, undelivered, nothingToGiveBack());
	}

	/**
	 * As {@link #park(CompletableFuture, Duration, Function, Supplier, Consumer)}, and
	 * calls {@code delivered} once the answer has been handed to the connection.
	 */
	static <T> DeferredResult<ResponseEntity<?>> park(CompletableFuture<T> operation, Duration wait,
			Function<T, ResponseEntity<?>> answer, Supplier<Object> timedOut, Consumer<T> undelivered,
			Consumer<T> delivered) {
		DeferredResult<ResponseEntity<?>> result = new DeferredResult<>(wait.plus(BACKSTOP).toMillis());
		result.onTimeout(() -> {
			if (operation.cancel(false)) {
				result.setErrorResult(timedOut.get()); // a response, or a problem to
														// answer with
			}
		});
		result.onError((failure) -> operation.cancel(false));
		result.onCompletion(() -> operation.cancel(false));
		operation.whenComplete((outcome, failure) -> {
			if (failure != null) {
				Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
				if (!(cause instanceof CancellationException)) {
					result.setErrorResult(cause);
				}
				return;
			}
			ResponseEntity<?> response;
			try {
				response = answer.apply(outcome);
			}
			catch (RuntimeException ex) {
				undelivered.accept(outcome);
				result.setErrorResult(ex);
				return;
			}
			if (result.setResult(response)) {
				delivered.accept(outcome);
			}
			else {
				undelivered.accept(outcome);
			}
		});
		return result;
	}

	/** For operations with nothing to give back or to settle. */
	static <T> Consumer<T> nothingToGiveBack() {
		return (outcome) -> {
		};
	}

}
