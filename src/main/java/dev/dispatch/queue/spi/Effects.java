package dev.dispatch.queue.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import dev.dispatch.queue.Scheduler;

/**
 * What an operation must do once it has released its queue's lock: decided under the
 * lock, done after it. {@link #run()} calls off timers first, then runs the actions in
 * the order they were added: completing futures, telling the listener, forwarding dead
 * letters. No future is completed and no listener called while the lock is held, so
 * dependent stages never run under it.
 *
 * <p>
 * Not thread-safe: one operation, one thread.
 */
public class Effects {

	private static final System.Logger log = System.getLogger(Effects.class.getName());

	private final ReentrantLock lock;

	private final String queue;

	private List<Runnable> actions;

	private List<Scheduler.Cancellable> timers;

	/**
	 * @param lock the lock the effects must run outside of
	 * @param queue the queue's name, for the log
	 */
	public Effects(ReentrantLock lock, String queue) {
		this.lock = lock;
		this.queue = queue;
	}

	/** Runs {@code action} after the unlock, in order. */
	public final void add(Runnable action) {
		if (this.actions == null) {
			this.actions = new ArrayList<>(4);
		}
		this.actions.add(action);
	}

	/** Calls {@code timer} off after the unlock; {@code null} is ignored. */
	public final void cancel(Scheduler.Cancellable timer) {
		if (timer == null) {
			return;
		}
		if (this.timers == null) {
			this.timers = new ArrayList<>(2);
		}
		this.timers.add(timer);
	}

	/**
	 * Fixes {@code waiter}'s outcome and completes its future after the unlock. Call only
	 * holding the lock.
	 */
	public final <T> void settle(Waiter<T> waiter, T outcome) {
		assert this.lock.isHeldByCurrentThread();
		waiter.settle(outcome);
		add(waiter::finish);
	}

	/**
	 * Fixes {@code failure} as {@code waiter}'s outcome and completes its future after
	 * the unlock. Call only holding the lock.
	 */
	public final void fail(Waiter<?> waiter, RuntimeException failure) {
		assert this.lock.isHeldByCurrentThread();
		waiter.fail(failure);
		add(waiter::finish);
	}

	/** Does it all; call once, after the unlock. */
	public final void run() {
		assert !this.lock.isHeldByCurrentThread() : "effects run after the unlock";
		if (this.timers != null) {
			this.timers.forEach(Scheduler.Cancellable::cancel);
		}
		if (this.actions != null) {
			for (Runnable action : this.actions) {
				try {
					action.run();
				}
				catch (RuntimeException ex) {
					log.log(System.Logger.Level.WARNING,
							"queue " + this.queue + ": a listener or completion stage failed", ex);
				}
			}
		}
	}

}
