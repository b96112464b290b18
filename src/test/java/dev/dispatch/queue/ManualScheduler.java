package dev.dispatch.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Scheduler} whose time moves only when a test calls {@link #advance}. Tasks run
 * on the advancing thread, in order of their due time (ties in order of scheduling), with
 * the clock set to their due time.
 */
public final class ManualScheduler implements Scheduler {

	private final ReentrantLock lock = new ReentrantLock();

	/** Guarded by lock. */
	private Instant now;

	/** Tasks not yet run or called off, soonest first. Guarded by lock. */
	private final PriorityQueue<Task> tasks = new PriorityQueue<>();

	/** Guarded by lock. */
	private long sequence;

	public ManualScheduler() {
		this(Instant.parse("2026-01-01T00:00:00Z"));
	}

	public ManualScheduler(Instant start) {
		this.now = start;
	}

	@Override
	public Instant now() {
		this.lock.lock();
		try {
			return this.now;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public Cancellable schedule(Duration delay, Runnable action) {
		this.lock.lock();
		try {
			Task task = new Task(this.now.plus(delay), this.sequence++, action);
			this.tasks.add(task);
			return () -> cancel(task);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Moves time forward by {@code step}, running every task that falls due on the way.
	 */
	public void advance(Duration step) {
		Instant target = now().plus(step);
		for (;;) {
			Task due;
			this.lock.lock();
			try {
				due = this.tasks.peek();
				if (due == null || due.at.isAfter(target)) {
					this.now = target;
					return;
				}
				this.tasks.poll();
				this.now = due.at;
			}
			finally {
				this.lock.unlock();
			}
			due.action.run();
		}
	}

	/** Tasks scheduled and neither run nor called off. */
	public int pending() {
		this.lock.lock();
		try {
			return this.tasks.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void cancel(Task task) {
		this.lock.lock();
		try {
			this.tasks.remove(task);
		}
		finally {
			this.lock.unlock();
		}
	}

	private record Task(Instant at, long sequence, Runnable action) implements Comparable<Task> {

		@Override
		public int compareTo(Task other) {
			int byTime = this.at.compareTo(other.at);
			return (byTime != 0) ? byTime : Long.compare(this.sequence, other.sequence);
		}

	}

}
