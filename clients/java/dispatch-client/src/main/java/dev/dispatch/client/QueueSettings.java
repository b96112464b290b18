package dev.dispatch.client;

import java.time.Duration;

/**
 * A queue's settings, for {@link DispatchClient#configureQueue}: each null keeps its
 * value (or takes the service's default for a new queue).
 *
 * @param capacity the most ready and delayed jobs
 * @param leaseTimeout how long a take holds a job by default
 * @param maxAttempts deliveries before a job goes to the dead-letter queue
 * @param deadLetterQueue where failed jobs go (default {@code <queue>.dead})
 */
public record QueueSettings(Integer capacity, Duration leaseTimeout, Integer maxAttempts, String deadLetterQueue) {

	/** Settings that change nothing. */
	public static final QueueSettings UNCHANGED = new QueueSettings(null, null, null, null);

	public QueueSettings withCapacity(int capacity) {
		return new QueueSettings(capacity, this.leaseTimeout, this.maxAttempts, this.deadLetterQueue);
	}

	public QueueSettings withLeaseTimeout(Duration leaseTimeout) {
		return new QueueSettings(this.capacity, leaseTimeout, this.maxAttempts, this.deadLetterQueue);
	}

	public QueueSettings withMaxAttempts(int maxAttempts) {
		return new QueueSettings(this.capacity, this.leaseTimeout, maxAttempts, this.deadLetterQueue);
	}

	public QueueSettings withDeadLetterQueue(String deadLetterQueue) {
		return new QueueSettings(this.capacity, this.leaseTimeout, this.maxAttempts, deadLetterQueue);
	}

}
