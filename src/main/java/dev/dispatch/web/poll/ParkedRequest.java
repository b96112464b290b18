package dev.dispatch.web.poll;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * A request that waits on a queue operation (a put, a take, a join) and what it answers
 * at each turn of its life, as Spring's {@code DeferredResultProcessingInterceptor} is
 * told each turn of an async request. A controller makes one per request — a subclass
 * that holds whatever its answers need — and hands it to {@link LongPolls#park} with the
 * operation. Each request takes exactly one of these paths:
 *
 * <pre>
 * outcome ─▶ answer(outcome) ─▶ handed to the connection ─▶ delivered(outcome)
 *               │ throws           └ not: the request had ended ─▶ undelivered(outcome)
 *               └─────────────────────────────────────────────────▶ undelivered(outcome)
 * cut short before any outcome (wait over, instance draining, client gone) ─▶ cutShort()
 * </pre>
 *
 * An outcome that never reaches the connection is handed to {@link #undelivered}, so that
 * a take gives its jobs back: no job is lost between the queue and the socket. The turns
 * run on whichever thread completes the operation or cuts the request short, never under
 * a lock of the queue's.
 *
 * @param <T> the operation's outcome
 */
public abstract class ParkedRequest<T> {

	/*-
	 * Design notes.
	 *
	 * Two hand-offs decide each request's path, each exactly once, without a lock of its
	 * own:
	 * - operation.cancel(false) decides between an outcome and a cut: it fails once the
	 *   queue has decided an outcome, and otherwise withdraws the operation (which then
	 *   completes with a CancellationException, which settle ignores). So cutNow answers
	 *   with cutShort() only when no outcome will come, and an outcome, once decided, is
	 *   always answered. A request may be cut more than once (its wait runs out as the
	 *   instance drains), and a cancelled future says true again: each cut stops the
	 *   watch, and the first is the one answered, which the cut flag decides
	 *   (compareAndSet).
	 * - result.setResult(...) decides whether an outcome reaches the connection: false
	 *   when the request already ended (timed out, failed, completed), and the outcome is
	 *   then undelivered.
	 *
	 * The connection's watch must be withdrawn before an answer is written (ConnectionWatch
	 * says why): settle and cutNow stop it first, and end stops it again, whatever came
	 * first. result and operation are written by LongPolls.park before any callback
	 * that reads them is registered; watch is written once, after the callbacks that read
	 * it, hence volatile (end, which runs once the handler has returned, always sees it).
	 */

	private static final VarHandle CUT;

	static {
		try {
			CUT = MethodHandles.lookup().findVarHandle(ParkedRequest.class, "cut", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** How much longer than the queue's own wait a request may stay parked. */
	static final Duration BACKSTOP = Duration.ofSeconds(5);

	private final Grant grant;

	/** The answer Spring MVC writes; set when parked. */
	private DeferredResult<ResponseEntity<?>> result;

	/** What the request waits on; set when parked. */
	private CompletableFuture<T> operation;

	/** The watch on the client's connection while the request is parked, else null. */
	private volatile ConnectionWatch watch;

	/** Whether the request was cut short; set once, through {@link #CUT}. */
	private volatile boolean cut;

	/**
	 * @param grant the wait {@link LongPolls#grant} gave the request
	 */
	protected ParkedRequest(Grant grant) {
		this.grant = grant;
	}

	/**
	 * The response to the operation's outcome.
	 * @throws RuntimeException a problem to answer with instead (the outcome is then
	 * {@linkplain #undelivered undelivered})
	 */
	protected abstract ResponseEntity<?> answer(T outcome);

	/**
	 * The response, or a problem (an exception) to answer with, when the request is cut
	 * short before the operation decided anything: its wait ran out, the instance drains,
	 * or its client went away.
	 */
	protected abstract Object cutShort();

	/**
	 * An outcome that never reached the connection: the request ended first, or
	 * {@link #answer} threw. Nothing by default; a take gives its jobs back.
	 */
	protected void undelivered(T outcome) {
	}

	/**
	 * An outcome handed to the connection. Nothing by default; a take with
	 * {@code ack=auto} settles its jobs.
	 */
	protected void delivered(T outcome) {
	}

	/** The queue the request waits on. */
	protected final String queue() {
		return this.grant.queue();
	}

	/**
	 * Whether a waiter limit denied it parking: it was tried at once only, and an empty
	 * outcome answers 503 {@code too-many-waiters}.
	 */
	protected final boolean limited() {
		return this.grant.limited();
	}

	final Grant grant() {
		return this.grant;
	}

	final HttpServletRequest request() {
		return this.grant.request();
	}

	/** How long it may stay parked: its wait, and the backstop beyond. */
	final Duration timeout() {
		return this.grant.granted().plus(BACKSTOP);
	}

	/** Takes the answer and the operation; called once, before anything else. */
	final void park(DeferredResult<ResponseEntity<?>> result, CompletableFuture<T> operation) {
		this.result = result;
		this.operation = operation;
	}

	/** Starts watching the connection, once the request is parked. */
	final void watch(ConnectionWatch watch) {
		this.watch = watch;
	}

	/**
	 * Answers the operation's outcome (or failure); the operation's completion.
	 */
	final void settle(T outcome, Throwable failure) {
		stopWatching();
		if (failure != null) {
			Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
			if (!(cause instanceof CancellationException)) {
				this.result.setErrorResult(cause);
			}
			return;
		}
		ResponseEntity<?> response;
		try {
			response = answer(outcome);
		}
		catch (RuntimeException problem) {
			undelivered(outcome);
			this.result.setErrorResult(problem);
			return;
		}
		if (this.result.setResult(response)) {
			delivered(outcome);
		}
		else {
			undelivered(outcome);
		}
	}

	/**
	 * Cuts the request short, unless the operation decided an outcome first (that outcome
	 * is then answered as usual).
	 */
	final void cutNow() {
		if (this.operation.cancel(false)) {
			stopWatching();
			if (CUT.compareAndSet(this, false, true)) {
				// setErrorResult takes a response as well as a problem
				this.result.setErrorResult(cutShort());
			}
		}
	}

	/** The request ended, answered or not: nothing of it may stay parked or watched. */
	final void end() {
		stopWatching();
		this.operation.cancel(false);
	}

	private void stopWatching() {
		ConnectionWatch current = this.watch;
		if (current != null) {
			current.stop();
		}
	}

}
