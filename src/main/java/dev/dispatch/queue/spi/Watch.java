package dev.dispatch.queue.spi;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import dev.dispatch.queue.Scheduler;

/**
 * The timers with which a {@link WaitingRoom} looks at its store without being asked:
 * when the store says something falls due ({@link QueueState#nextDue()}), and every
 * recheck period while requests are parked on a store whose wake-ups may be lost (while
 * it also watches the store, and a while after).
 *
 * <p>
 * Every method but the timers' own is called holding the room's lock; the timers take it
 * themselves and call the room after they released it.
 */
final class Watch {

	/**
	 * Rechecks with nothing parked before the room stops watching the store (at the
	 * default period of a second, half a minute).
	 */
	private static final int QUIET_RECHECKS = 30;

	private final ReentrantLock lock;

	private final Scheduler scheduler;

	private final QueueStore store;

	/** Whether requests are parked. Called holding the lock. */
	private final BooleanSupplier parked;

	/** Looks at the store; called after the lock is released. */
	private final Runnable look;

	/** Tries the parked requests again; called after the lock is released. */
	private final Runnable recheck;

	/** The timer of the next look. Guarded by lock. */
	private Scheduler.Cancellable lookTimer;

	/** When the next look is due (epoch ms). Guarded by lock. */
	private long lookAt = Long.MAX_VALUE;

	/** The recheck timer, or null. Guarded by lock. */
	private Scheduler.Cancellable recheckTimer;

	/** Whether the store is watched for others' changes. Guarded by lock. */
	private boolean watching;

	/** Rechecks in a row that found nothing parked while watching. Guarded by lock. */
	private int quietRechecks;

	/**
	 * Set once the room is gone or stopped: no timer starts any more. Guarded by lock.
	 */
	private boolean stopped;

	Watch(ReentrantLock lock, Scheduler scheduler, QueueStore store, BooleanSupplier parked, Runnable look,
			Runnable recheck) {
		this.lock = lock;
		this.scheduler = scheduler;
		this.store = store;
		this.parked = parked;
		this.look = look;
		this.recheck = recheck;
	}

	/** Looks at the store at {@code due} (epoch ms; -1: nothing due), unless sooner. */
	void lookAt(long due, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (due < 0 || due >= this.lookAt || this.stopped) {
			return;
		}
		fx.cancel(this.lookTimer);
		this.lookAt = due;
		long delay = Math.max(0, due - this.scheduler.now().toEpochMilli());
		this.lookTimer = this.scheduler.schedule(Duration.ofMillis(delay), this::lookDue);
	}

	/**
	 * While requests are parked, on a store whose wake-ups may be lost: watches the
	 * store, and keeps a recheck timer running. The store is watched a while longer once
	 * none are parked (cheaper than watching anew for each long poll), then no more. The
	 * store's watch is called under the lock, so that watch and unwatch reach it in the
	 * order they were decided: it must not block.
	 */
	void keepRechecking() {
		assert this.lock.isHeldByCurrentThread();
		Duration period = this.store.recheckPeriod();
		if (period == null || this.stopped) {
			return;
		}
		boolean parked = this.parked.getAsBoolean();
		if (parked) {
			this.quietRechecks = 0;
			if (!this.watching) {
				this.watching = true;
				this.store.watch(true);
			}
		}
		if ((parked || this.watching) && this.recheckTimer == null) {
			this.recheckTimer = this.scheduler.schedule(period, this::recheckDue);
		}
	}

	/** Calls the timers off and stops watching, for good. */
	void stop(Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		this.stopped = true;
		fx.cancel(this.lookTimer);
		fx.cancel(this.recheckTimer);
		this.lookTimer = null;
		this.recheckTimer = null;
		stopWatching();
	}

	private void stopWatching() {
		if (this.watching) {
			this.watching = false;
			this.store.watch(false);
		}
	}

	private void lookDue() {
		this.lock.lock();
		try {
			this.lookTimer = null;
			this.lookAt = Long.MAX_VALUE;
		}
		finally {
			this.lock.unlock();
		}
		this.look.run();
	}

	private void recheckDue() {
		this.lock.lock();
		try {
			this.recheckTimer = null;
			if (!this.parked.getAsBoolean() && ++this.quietRechecks >= QUIET_RECHECKS) {
				stopWatching();
			}
			keepRechecking();
		}
		finally {
			this.lock.unlock();
		}
		this.recheck.run();
	}

}
