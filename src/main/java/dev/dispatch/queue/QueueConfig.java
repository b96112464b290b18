package dev.dispatch.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * How one queue behaves. All parts may change while the queue runs.
 *
 * @param capacity upper bound on ready + delayed jobs, at least 1; puts wait while it is
 * reached
 * @param leaseTimeout how long a consumer holds a job when the take names no lease;
 * positive
 * @param maxAttempts deliveries after which a failed job goes to the dead-letter queue;
 * at least 1
 * @param deadLetterQueue where such jobs go; {@code null} means {@code <queue>.dead};
 * {@value #NO_DEAD_LETTER_QUEUE} means none: a job that fails its last attempt stays in
 * the queue (back at the head, as after any failed attempt), and jobs that a purge would
 * move to a dead-letter queue are thrown away. A dead-letter queue created by its first
 * dead letter has none ({@link #forDeadLetters()}), so that a failing dead letter does
 * not open a dead-letter queue of the dead-letter queue.
 * @param maxInFlight most leases held at once, by every consumer together (on Redis:
 * through every replica); {@link #UNLIMITED} (0) for no limit. A take while that many are
 * held waits for a lease to end, and none gets more jobs than the limit leaves
 * @param maxLeasesPerSecond most jobs delivered per second, by every consumer together
 * (on Redis: through every replica); {@link #UNLIMITED} (0) for no limit. Deliveries are
 * spread evenly, with bursts of at most a tenth of a second's worth (at least one): a
 * take the rate does not allow yet waits, and none gets more jobs than it allows
 * @param maxInFlightPerGroup most leases held at once of one fairness group's jobs (the
 * default group's too), by every consumer together; {@link #UNLIMITED} (0) for no limit.
 * Takes pass over a group that holds that many, which keeps its turn for when one of its
 * leases ends
 */
public record QueueConfig(int capacity, Duration leaseTimeout, int maxAttempts, String deadLetterQueue, int maxInFlight,
		int maxLeasesPerSecond, int maxInFlightPerGroup) {

	/** A {@link #maxInFlight} that sets no limit. */
	public static final int UNLIMITED = 0;

	/** Capacity of a queue created with no configuration. */
	public static final int DEFAULT_CAPACITY = 1000;

	/** Lease timeout of a queue created with no configuration. */
	public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(30);

	/** Attempts of a queue created with no configuration. */
	public static final int DEFAULT_MAX_ATTEMPTS = 5;

	/**
	 * The defaults: capacity 1000, lease timeout 30 s, 5 attempts, dead letters to
	 * {@code <queue>.dead}.
	 */
	public static final QueueConfig DEFAULTS = new QueueConfig(DEFAULT_CAPACITY, DEFAULT_LEASE_TIMEOUT,
			DEFAULT_MAX_ATTEMPTS, null);

	/** The dead-letter queue of a queue that has none. */
	public static final String NO_DEAD_LETTER_QUEUE = "";

	/** A queue without a limit on leases in flight or per second. */
	public QueueConfig(int capacity, Duration leaseTimeout, int maxAttempts, String deadLetterQueue) {
		this(capacity, leaseTimeout, maxAttempts, deadLetterQueue, UNLIMITED, UNLIMITED, UNLIMITED);
	}

	/** A queue without a limit on leases per second or per group. */
	public QueueConfig(int capacity, Duration leaseTimeout, int maxAttempts, String deadLetterQueue, int maxInFlight) {
		this(capacity, leaseTimeout, maxAttempts, deadLetterQueue, maxInFlight, UNLIMITED, UNLIMITED);
	}

	/** A queue without a limit on leases in flight per group. */
	public QueueConfig(int capacity, Duration leaseTimeout, int maxAttempts, String deadLetterQueue, int maxInFlight,
			int maxLeasesPerSecond) {
		this(capacity, leaseTimeout, maxAttempts, deadLetterQueue, maxInFlight, maxLeasesPerSecond, UNLIMITED);
	}

	public QueueConfig {
		if (maxInFlight < 0) {
			throw new IllegalArgumentException("maxInFlight must be at least 1, or 0 for no limit; got " + maxInFlight);
		}
		if (maxLeasesPerSecond < 0) {
			throw new IllegalArgumentException(
					"maxLeasesPerSecond must be at least 1, or 0 for no limit; got " + maxLeasesPerSecond);
		}
		if (maxInFlightPerGroup < 0) {
			throw new IllegalArgumentException(
					"maxInFlightPerGroup must be at least 1, or 0 for no limit; got " + maxInFlightPerGroup);
		}
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
		}
		Objects.requireNonNull(leaseTimeout, "leaseTimeout");
		if (leaseTimeout.isNegative() || leaseTimeout.isZero()) {
			throw new IllegalArgumentException("leaseTimeout must be positive, got " + leaseTimeout);
		}
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
		}
		if (deadLetterQueue != null && !deadLetterQueue.equals(NO_DEAD_LETTER_QUEUE)) {
			QueueNames.requireValid(deadLetterQueue);
		}
	}

	/** This configuration with another capacity. */
	public QueueConfig withCapacity(int capacity) {
		return new QueueConfig(capacity, this.leaseTimeout, this.maxAttempts, this.deadLetterQueue, this.maxInFlight,
				this.maxLeasesPerSecond, this.maxInFlightPerGroup);
	}

	/** This configuration with another limit on leases in flight (0: none). */
	public QueueConfig withMaxInFlight(int maxInFlight) {
		return new QueueConfig(this.capacity, this.leaseTimeout, this.maxAttempts, this.deadLetterQueue, maxInFlight,
				this.maxLeasesPerSecond, this.maxInFlightPerGroup);
	}

	/** This configuration with another limit on leases started per second (0: none). */
	public QueueConfig withMaxLeasesPerSecond(int maxLeasesPerSecond) {
		return new QueueConfig(this.capacity, this.leaseTimeout, this.maxAttempts, this.deadLetterQueue,
				this.maxInFlight, maxLeasesPerSecond, this.maxInFlightPerGroup);
	}

	/** This configuration with another limit on leases in flight per group (0: none). */
	public QueueConfig withMaxInFlightPerGroup(int maxInFlightPerGroup) {
		return new QueueConfig(this.capacity, this.leaseTimeout, this.maxAttempts, this.deadLetterQueue,
				this.maxInFlight, this.maxLeasesPerSecond, maxInFlightPerGroup);
	}

	/**
	 * This configuration for a dead-letter queue created by its first dead letter: no
	 * dead-letter queue of its own.
	 */
	public QueueConfig forDeadLetters() {
		return new QueueConfig(this.capacity, this.leaseTimeout, this.maxAttempts, NO_DEAD_LETTER_QUEUE,
				this.maxInFlight, this.maxLeasesPerSecond, this.maxInFlightPerGroup);
	}

	/** Whether jobs that fail their last attempt, or are purged, go somewhere. */
	public boolean hasDeadLetterQueue() {
		return !NO_DEAD_LETTER_QUEUE.equals(this.deadLetterQueue);
	}

	/**
	 * Checks that this configuration may be given to the queue named {@code queue}: a
	 * queue cannot be its own dead-letter queue.
	 * @throws IllegalArgumentException if it may not
	 */
	public void requireFitFor(String queue) {
		if (queue.equals(this.deadLetterQueue)) {
			throw new IllegalArgumentException("queue '" + queue + "' cannot be its own dead-letter queue");
		}
	}

	/**
	 * The dead-letter queue of the queue named {@code queue} under this configuration, or
	 * {@code null} if it has none.
	 */
	public String deadLetterQueueFor(String queue) {
		if (!hasDeadLetterQueue()) {
			return null;
		}
		return (this.deadLetterQueue != null) ? this.deadLetterQueue : QueueNames.deadLetterQueueOf(queue);
	}

}
