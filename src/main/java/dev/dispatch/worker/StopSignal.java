package dev.dispatch.worker;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tells workers to stop, and wakes those that are parked on the queue or pausing. Raised
 * once, at shutdown; never lowered.
 */
final class StopSignal {

	private final CountDownLatch raised = new CountDownLatch(1);

	/** Queue operations workers are waiting on; cancelled when the signal is raised. */
	private final Set<CompletableFuture<?>> parked = ConcurrentHashMap.newKeySet();

	/** Threads running a worker now. */
	private final Set<Thread> workers = ConcurrentHashMap.newKeySet();

	/** Registers the calling thread as a worker's, until {@link #leave()}. */
	void enter() {
		this.workers.add(Thread.currentThread());
	}

	void leave() {
		this.workers.remove(Thread.currentThread());
	}

	/**
	 * Interrupts every worker thread: handlers past the shutdown grace give their jobs
	 * back.
	 */
	void interruptWorkers() {
		this.workers.forEach(Thread::interrupt);
	}

	boolean isRaised() {
		return this.raised.getCount() == 0;
	}

	void raise() {
		this.raised.countDown();
		this.parked.forEach((operation) -> operation.cancel(false));
	}

	/**
	 * Waits for a queue operation, withdrawing it if the signal is raised meanwhile. An
	 * operation whose outcome was already decided completes with that outcome, so nothing
	 * handed over is lost.
	 * @throws CancellationException if the operation was withdrawn
	 */
	<T> T await(CompletableFuture<T> operation) {
		this.parked.add(operation);
		try {
			if (isRaised()) {
				operation.cancel(false);
			}
			return operation.join();
		}
		finally {
			this.parked.remove(operation);
		}
	}

	/**
	 * Pauses for {@code pause} or until the signal is raised or the thread interrupted.
	 * @return whether the worker should stop
	 */
	boolean pause(Duration pause) {
		try {
			return this.raised.await(pause.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
	}

}
