package dev.dispatch.queue;

import java.time.Duration;
import java.time.Instant;

/**
 * The source of time for queues: the current instant, and tasks run after a delay (lease
 * expiry, wait deadlines, delayed jobs). Production uses {@link SystemScheduler}; tests
 * use one whose time they move by hand, so that no test sleeps to see a lease expire.
 */
public interface Scheduler {

	/** The current instant. */
	Instant now();

	/**
	 * Runs {@code task} once, {@code delay} from now, on a thread of the scheduler's. The
	 * task must be short and must not block.
	 */
	Cancellable schedule(Duration delay, Runnable task);

	/** A scheduled task that can be called off. */
	@FunctionalInterface
	interface Cancellable {

		/** Calls the task off; harmless if it already ran or was called off. */
		void cancel();

	}

}
