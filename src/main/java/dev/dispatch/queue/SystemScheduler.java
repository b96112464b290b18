package dev.dispatch.queue;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Scheduler} on the system clock, running tasks on a small pool of daemon
 * threads. Called-off tasks leave the pool's queue at once, so parked requests that
 * finish early leave no garbage behind.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {

	private static final System.Logger log = System.getLogger(SystemScheduler.class.getName());

	private final Clock clock;

	private final ScheduledThreadPoolExecutor executor;

	/** A scheduler on the UTC system clock with one timer thread. */
	public SystemScheduler() {
		this(Clock.systemUTC(), 1);
	}

	public SystemScheduler(Clock clock, int threads) {
		this.clock = clock;
		AtomicInteger count = new AtomicInteger();
		this.executor = new ScheduledThreadPoolExecutor(threads, (task) -> {
			Thread thread = new Thread(task, "dispatch-timer-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.executor.setRemoveOnCancelPolicy(true);
		this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
	}

	@Override
	public Instant now() {
		return this.clock.instant();
	}

	@Override
	public Cancellable schedule(Duration delay, Runnable task) {
		ScheduledFuture<?> future = this.executor.schedule(() -> runLogged(task), Math.max(0, delay.toNanos()),
				TimeUnit.NANOSECONDS);
		return () -> future.cancel(false);
	}

	private static void runLogged(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException | Error ex) {
			log.log(Level.ERROR, "scheduled queue task failed", ex);
		}
	}

	/** Stops the timer threads; tasks not yet run are dropped. */
	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
