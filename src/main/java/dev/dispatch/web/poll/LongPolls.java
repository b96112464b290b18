package dev.dispatch.web.poll;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Parks HTTP requests on queue operations without holding a thread, within limits, and
 * lets them go when the service shuts down.
 *
 * <p>
 * The queue answers when its own wait elapses; the {@link DeferredResult}'s timeout, a
 * little later, is only a backstop. When a request times out, fails or completes, its
 * parked operation is cancelled; if the queue had already decided an outcome, that
 * outcome is handed to {@code undelivered} (a take gives its jobs back), so no job is
 * lost between the queue and the socket.
 *
 * <p>
 * Limits: at most {@code dispatch.http.max-waiters-per-queue} requests parked on one
 * queue, {@code max-waiters-per-client} by one caller (named by the request attribute
 * {@link Caller}; none without credentials) and {@code max-waiters} in all (checked
 * before parking, so concurrent arrivals may pass them by a few). A request over a limit
 * is still served if it can be at once, else answered 503 {@code too-many-waiters}.
 *
 * <p>
 * Shutdown: before the web server drains (a higher lifecycle phase stops first), every
 * parked request is answered at once — puts with 503 {@code server-draining}, takes with
 * 204 — so that clients re-poll another instance, and new puts and takes are refused with
 * 503.
 */
@Component
@EnableConfigurationProperties(HttpProperties.class)
public class LongPolls implements SmartLifecycle {

	/** How much longer than the queue's own wait a request may stay parked. */
	static final Duration BACKSTOP = Duration.ofSeconds(5);

	private final HttpProperties http;

	/** Ways to answer each parked request now; run when draining. */
	private final Set<Runnable> cutShort = ConcurrentHashMap.newKeySet();

	private final ConcurrentHashMap<String, AtomicInteger> parkedPerQueue = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, AtomicInteger> parkedPerClient = new ConcurrentHashMap<>();

	private final AtomicInteger parked = new AtomicInteger();

	private volatile boolean draining;

	private volatile boolean running;

	LongPolls(HttpProperties http) {
		this.http = http;
	}

	public Duration retryAfter() {
		return this.http.retryAfter();
	}

	/**
	 * Refuses new puts and takes once the service is shutting down.
	 * @throws ServerDrainingException if it is
	 */
	public void refuseIfDraining() {
		if (this.draining) {
			throw new ServerDrainingException();
		}
	}

	public boolean isDraining() {
		return this.draining;
	}

	/**
	 * The wait a request on {@code queue} gets: the wait it asked for ({@code null}: none
	 * named, the default), never above the cap; or zero if no more requests may park
	 * there (it is then served only if it can be at once).
	 */
	public Grant grant(HttpServletRequest request, String queue, Duration asked) {
		Duration patience = (asked == null) ? this.http.defaultWait()
				: (asked.compareTo(this.http.maxWait()) > 0) ? this.http.maxWait() : asked;
		boolean limited = patience.isPositive() && !mayPark(queue, client(request));
		return new Grant(limited ? Duration.ZERO : patience, limited);
	}

	/**
	 * The wait granted to a request.
	 *
	 * @param granted how long it may park
	 * @param limited whether it was denied parking by a limit (an empty outcome then
	 * answers 503 {@code too-many-waiters})
	 */
	public record Grant(Duration granted, boolean limited) {
	}

	/** Whether one more request of {@code client} may park on {@code queue}. */
	private boolean mayPark(String queue, String client) {
		return this.parked.get() < this.http.maxWaiters()
				&& below(this.parkedPerQueue, queue, this.http.maxWaitersPerQueue())
				&& (client == null || below(this.parkedPerClient, client, this.http.maxWaitersPerClient()));
	}

	private static boolean below(ConcurrentHashMap<String, AtomicInteger> counts, String key, int limit) {
		AtomicInteger count = counts.get(key);
		return count == null || count.get() < limit;
	}

	/** Who sent the request, if it was authenticated. */
	private static String client(HttpServletRequest request) {
		return (request.getAttribute(Caller.ATTRIBUTE) instanceof String name) ? name : null;
	}

	/**
	 * Parks the request on {@code operation}.
	 * @param request the request parked, whose connection is watched for the client going
	 * away
	 * @param answer the response to an outcome (may throw: a problem to answer with)
	 * @param cut the response (or problem) when the request is cut short: timed out,
	 * drained or its client gone
	 * @param undelivered called with an outcome that never reached the connection
	 * @param delivered called with an outcome once it has been handed to the connection
	 */
	public <T> DeferredResult<ResponseEntity<?>> park(HttpServletRequest request, String queue,
			CompletableFuture<T> operation, Duration wait, Function<T, ResponseEntity<?>> answer, Supplier<Object> cut,
			Consumer<T> undelivered, Consumer<T> delivered) {
		DeferredResult<ResponseEntity<?>> result = new DeferredResult<>(wait.plus(BACKSTOP).toMillis());
		if (!operation.isDone() && operation instanceof Reattempt<T> reattempt) {
			// a round trip to the store away: holding this thread for it costs less than
			// the async dispatch of a parked request
			reattempt.awaitFirstTry(this.http.firstAnswerWait());
		}
		if (operation.isDone()) {
			// answered at once: nothing parks or is watched; AnsweredAtOnce writes the
			// answer in this dispatch
			operation
				.whenComplete((outcome, failure) -> complete(result, outcome, failure, answer, undelivered, delivered));
			return result;
		}
		AtomicReference<ConnectionWatch> watch = new AtomicReference<>(ConnectionWatch.NONE);
		// setErrorResult takes a response as well as a problem: cut may give either
		Runnable cutNow = () -> {
			if (operation.cancel(false)) {
				watch.get().stop();
				result.setErrorResult(cut.get());
			}
		};
		result.onTimeout(cutNow);
		result.onError((failure) -> {
			watch.get().stop();
			operation.cancel(false);
		});
		Runnable untrack = track(queue, client(request), cutNow);
		// DeferredResult keeps one callback of each kind: this one does both jobs
		result.onCompletion(() -> {
			watch.get().stop();
			operation.cancel(false);
			untrack.run();
		});
		watch.set(ConnectionWatch.start(request, cutNow));
		if (this.draining) {
			cutNow.run();
		}
		operation.whenComplete((outcome, failure) -> {
			watch.get().stop();
			complete(result, outcome, failure, answer, undelivered, delivered);
		});
		return result;
	}

	/**
	 * Counts a parked request until the returned action runs (once, when it completes).
	 */
	private Runnable track(String queue, String client, Runnable cutNow) {
		count(this.parkedPerQueue, queue);
		if (client != null) {
			count(this.parkedPerClient, client);
		}
		this.parked.incrementAndGet();
		this.cutShort.add(cutNow);
		return () -> {
			this.cutShort.remove(cutNow);
			this.parked.decrementAndGet();
			uncount(this.parkedPerQueue, queue);
			if (client != null) {
				uncount(this.parkedPerClient, client);
			}
		};
	}

	private static void count(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
		counts.compute(key, (name, count) -> {
			AtomicInteger counter = (count != null) ? count : new AtomicInteger();
			counter.incrementAndGet();
			return counter;
		});
	}

	private static void uncount(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
		counts.computeIfPresent(key, (name, count) -> (count.decrementAndGet() == 0) ? null : count);
	}

	private static <T> void complete(DeferredResult<ResponseEntity<?>> result, T outcome, Throwable failure,
			Function<T, ResponseEntity<?>> answer, Consumer<T> undelivered, Consumer<T> delivered) {
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
		catch (RuntimeException problem) {
			undelivered.accept(outcome);
			result.setErrorResult(problem);
			return;
		}
		if (result.setResult(response)) {
			delivered.accept(outcome);
		}
		else {
			undelivered.accept(outcome);
		}
	}

	/** For operations with nothing to give back or to settle. */
	public static <T> Consumer<T> nothing() {
		return (outcome) -> {
		};
	}

	/**
	 * Serves again after a {@link #stop()} that was not followed by a shutdown (a paused
	 * context).
	 */
	@Override
	public void start() {
		this.draining = false;
		this.running = true;
	}

	/** Answers every parked request now and refuses new puts and takes. */
	@Override
	public void stop() {
		this.draining = true;
		this.cutShort.forEach(Runnable::run);
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Before the web server's graceful shutdown ({@code DEFAULT_PHASE - 2048}), which
	 * waits for requests.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1024;
	}

}
