package dev.dispatch.queue.spi;

import java.util.concurrent.CompletableFuture;

/**
 * The future of a parked operation. Cancelling it withdraws the operation if it is still
 * parked; otherwise it completes with the outcome already decided and {@code cancel}
 * answers {@code false}.
 *
 * @param <T> the outcome
 */
public final class WaitFuture<T> extends CompletableFuture<T> {

	private final Waiter<T> waiter;

	private final Waiter.Owner owner;

	WaitFuture(Waiter<T> waiter, Waiter.Owner owner) {
		this.waiter = waiter;
		this.owner = owner;
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		if (isDone()) {
			return isCancelled();
		}
		if (this.owner.withdraw(this.waiter)) {
			return super.cancel(mayInterruptIfRunning);
		}
		this.waiter.finish();
		return isCancelled();
	}

}
