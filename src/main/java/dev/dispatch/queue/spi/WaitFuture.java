package dev.dispatch.queue.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The future of a parked operation. Cancelling it withdraws the operation if it is still
 * parked; otherwise it completes with the outcome already decided and {@code cancel}
 * answers {@code false}.
 *
 * <p>
 * A queue whose first try of an operation goes over the network (Redis) marks that try
 * with {@link #startFirstTry()} and {@link #endFirstTry()}: a caller that would rather
 * have the outcome at once than park a request, when it is a round trip away, may
 * {@linkplain #awaitFirstTry wait} for the try's answer.
 *
 * @param <T> the outcome
 */
public final class WaitFuture<T> extends CompletableFuture<T> {

	/** Withdraws the operation if it still waits; answers whether it did. */
	private final BooleanSupplier withdraw;

	/** Completes the future with the outcome already fixed. */
	private final Runnable finish;

	/** Whether the first try is on its way: its answer may settle the operation. */
	private volatile boolean trying;

	/** The thread in {@link #awaitFirstTry}, if any. */
	private volatile Thread awaiting;

	/**
	 * @param withdraw withdraws the operation if it still waits, answering whether it did
	 * @param finish completes this future with the outcome already fixed
	 */
	WaitFuture(BooleanSupplier withdraw, Runnable finish) {
		this.withdraw = withdraw;
		this.finish = finish;
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		if (isDone()) {
			return isCancelled();
		}
		if (this.withdraw.getAsBoolean()) {
			return super.cancel(mayInterruptIfRunning);
		}
		this.finish.run();
		return isCancelled();
	}

	/**
	 * Marks the operation's first try as sent. Call before the future is handed out.
	 */
	public void startFirstTry() {
		this.trying = true;
	}

	/**
	 * Marks the first try as answered: the operation is settled (call after the future is
	 * completed) or parked. More calls do nothing.
	 */
	public void endFirstTry() {
		this.trying = false;
		Thread waiting = this.awaiting;
		if (waiting != null) {
			LockSupport.unpark(waiting);
		}
	}

	/**
	 * Waits while the first try is on its way, at most {@code patience}.
	 * @return whether the future is done
	 */
	public boolean awaitFirstTry(Duration patience) {
		if (isDone() || !this.trying) {
			return isDone();
		}
		long deadline = System.nanoTime() + patience.toNanos();
		// set before the state is read again: endFirstTry either sees this thread or
		// came first, and then its write is seen below
		this.awaiting = Thread.currentThread();
		try {
			while (this.trying && !isDone()) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || Thread.currentThread().isInterrupted()) {
					break;
				}
				LockSupport.parkNanos(this, left);
			}
		}
		finally {
			this.awaiting = null;
		}
		return isDone();
	}

}
