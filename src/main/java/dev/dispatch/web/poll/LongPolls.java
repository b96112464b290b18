package dev.dispatch.web.poll;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
 * Each request is a {@link ParkedRequest}: what it answers at each turn. The queue
 * answers when its own wait elapses; the {@link DeferredResult}'s timeout, a little
 * later, is only a backstop. When a request times out, fails or completes, its parked
 * operation is cancelled; if the queue had already decided an outcome, that outcome is
 * handed to {@link ParkedRequest#undelivered} (a take gives its jobs back), so no job is
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

	private final HttpProperties http;

	/** The requests parked now: cut short when draining. */
	private final Set<ParkedRequest<?>> cutShort = ConcurrentHashMap.newKeySet();

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
		String client = client(request);
		boolean limited = patience.isPositive() && !mayPark(queue, client);
		return new Grant(request, queue, client, limited ? Duration.ZERO : patience, limited);
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
	 * Answers {@code parked} once {@code operation} completes: in this dispatch if it has
	 * by the time this returns, else when it does, or when the request is cut short.
	 */
	public <T> DeferredResult<ResponseEntity<?>> park(ParkedRequest<T> parked, CompletableFuture<T> operation) {
		DeferredResult<ResponseEntity<?>> result = new DeferredResult<>(parked.timeout().toMillis());
		parked.park(result, operation);
		if (!operation.isDone() && operation instanceof Reattempt<T> reattempt) {
			// a round trip to the store away: holding this thread for it costs less than
			// the async dispatch of a parked request
			reattempt.awaitFirstTry(this.http.firstAnswerWait());
		}
		if (operation.isDone()) {
			// answered at once: nothing parks or is watched; AnsweredAtOnce writes the
			// answer in this dispatch
			operation.whenComplete(parked::settle);
			return result;
		}
		Runnable cutNow = parked::cutNow;
		ConnectionWatch watch = ConnectionWatch.of(parked.request(), cutNow);
		result.onTimeout(cutNow);
		result.onError((failure) -> parked.end());
		track(parked);
		// DeferredResult keeps one callback of each kind: this one does both jobs
		result.onCompletion(() -> {
			parked.end();
			untrack(parked);
		});
		parked.watch(watch);
		watch.start(parked.request());
		if (this.draining) {
			cutNow.run();
		}
		operation.whenComplete(parked::settle);
		return result;
	}

	/** Counts a parked request, until {@link #untrack} (once, when it completes). */
	private void track(ParkedRequest<?> parked) {
		Grant grant = parked.grant();
		count(this.parkedPerQueue, grant.queue());
		if (grant.client() != null) {
			count(this.parkedPerClient, grant.client());
		}
		this.parked.incrementAndGet();
		this.cutShort.add(parked);
	}

	private void untrack(ParkedRequest<?> parked) {
		Grant grant = parked.grant();
		this.cutShort.remove(parked);
		this.parked.decrementAndGet();
		uncount(this.parkedPerQueue, grant.queue());
		if (grant.client() != null) {
			uncount(this.parkedPerClient, grant.client());
		}
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
		this.cutShort.forEach(ParkedRequest::cutNow);
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
