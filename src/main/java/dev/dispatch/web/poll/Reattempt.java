package dev.dispatch.web.poll;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueReplacedException;
import dev.dispatch.queue.spi.WaitFuture;

/**
 * A put or take that is made once more, on the new queue, if it reached a queue that
 * another instance of the service had deleted and created again (see
 * {@link QueueReplacedException}): the caller then sees what a request sent after the
 * change would have seen. Cancelling it withdraws whichever attempt is current.
 *
 * @param <T> the outcome
 */
public final class Reattempt<T> extends CompletableFuture<T> {

	private final Function<JobQueue, CompletableFuture<T>> operation;

	/** The queue of the current attempt. Guarded by {@code this}. */
	private JobQueue queue;

	/** The current attempt. Guarded by {@code this}. */
	private CompletableFuture<T> attempt;

	/** Whether the one further attempt was made. Guarded by {@code this}. */
	private boolean again;

	/** Whether the caller cancelled: no further attempt. Guarded by {@code this}. */
	private boolean cancelling;

	private Reattempt(Function<JobQueue, CompletableFuture<T>> operation) {
		this.operation = operation;
	}

	/** Makes {@code operation} on {@code queue}, and again on its replacement if any. */
	public static <T> Reattempt<T> of(JobQueue queue, Function<JobQueue, CompletableFuture<T>> operation) {
		Reattempt<T> reattempt = new Reattempt<>(operation);
		reattempt.attempt(queue);
		return reattempt;
	}

	/** The queue the outcome came from (to settle the jobs a take received). */
	public synchronized JobQueue queue() {
		return this.queue;
	}

	/**
	 * Waits, at most {@code patience}, for the answer to the current attempt's first try
	 * when that try is on its way to the store (see {@link WaitFuture#awaitFirstTry}).
	 * @return whether this future is done
	 */
	boolean awaitFirstTry(Duration patience) {
		CompletableFuture<T> current;
		synchronized (this) {
			current = this.attempt;
		}
		if (current instanceof WaitFuture<T> pending) {
			pending.awaitFirstTry(patience);
		}
		return isDone();
	}

	private void attempt(JobQueue on) {
		CompletableFuture<T> next;
		synchronized (this) {
			this.queue = on;
			next = this.operation.apply(on);
			this.attempt = next;
		}
		next.whenComplete(this::attempted);
	}

	private void attempted(T outcome, Throwable failure) {
		if (replaced(failure) instanceof QueueReplacedException replaced) {
			CompletableFuture<T> next = null;
			synchronized (this) {
				// decided and made under one hold, so that cancel() sees either the
				// failed attempt with the retry still pending, or the new attempt
				if (!this.again) {
					this.again = true;
					if (this.cancelling) {
						// cancel() answered true for the attempt not made
						return;
					}
					this.queue = replaced.replacement();
					next = this.operation.apply(this.queue);
					this.attempt = next;
				}
			}
			if (next != null) {
				next.whenComplete(this::attempted);
				return;
			}
		}
		if (failure != null) {
			completeExceptionally((failure instanceof CompletionException) ? failure.getCause() : failure);
		}
		else {
			complete(outcome);
		}
	}

	/** The replacement a failure names, or {@code null}. */
	private static QueueReplacedException replaced(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
		return (cause instanceof QueueReplacedException replaced) ? replaced : null;
	}

	/**
	 * Withdraws the current attempt, or the one about to be made. As for the queue's own
	 * futures, {@code false} means an outcome was decided first; it completes this
	 * future.
	 */
	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		CompletableFuture<T> current;
		synchronized (this) {
			this.cancelling = true;
			boolean retryPending = !this.again && this.attempt.state() == State.FAILED
					&& replaced(this.attempt.exceptionNow()) != null;
			current = retryPending ? null : this.attempt;
		}
		// outside the lock: withdrawing a put may wait for its attempt's answer, whose
		// thread may need the lock to finish a retry
		if (current != null && !current.cancel(false)) {
			return false;
		}
		super.cancel(mayInterruptIfRunning);
		return true;
	}

}
