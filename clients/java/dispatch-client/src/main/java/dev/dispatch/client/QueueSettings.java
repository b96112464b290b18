package dev.dispatch.client;

import java.time.Duration;

/**
 * A queue's settings, for {@link DispatchClient#configureQueue}: each null keeps its
 * value (or takes the service's default for a new queue). For the three limits, 0 means
 * no limit.
 *
 * @param capacity the most ready and delayed jobs
 * @param leaseTimeout how long a take holds a job by default
 * @param maxAttempts deliveries before a job goes to the dead-letter queue
 * @param deadLetterQueue where failed jobs go (default {@code <queue>.dead}; {@code ""}
 * for nowhere)
 * @param maxInFlight the most leases held at once by every consumer together
 * @param maxLeasesPerSecond the most jobs delivered per second to every consumer together
 * @param maxInFlightPerGroup the most leases held at once of one fairness group's jobs
 */
public record QueueSettings(Integer capacity, Duration leaseTimeout, Integer maxAttempts, String deadLetterQueue,
		Integer maxInFlight, Integer maxLeasesPerSecond, Integer maxInFlightPerGroup) {

	/** Settings that change nothing. */
	public static final QueueSettings UNCHANGED = new QueueSettings(null, null, null, null, null, null, null);

	/** Settings of the first four, the limits unchanged. */
	public QueueSettings(Integer capacity, Duration leaseTimeout, Integer maxAttempts, String deadLetterQueue) {
		this(capacity, leaseTimeout, maxAttempts, deadLetterQueue, null, null, null);
	}

	public QueueSettings withCapacity(int capacity) {
		return new QueueSettings(capacity, this.leaseTimeout, this.maxAttempts, this.deadLetterQueue, this.maxInFlight,
				this.maxLeasesPerSecond, this.maxInFlightPerGroup);
	}

	public QueueSettings withLeaseTimeout(Duration leaseTimeout) {
		return new QueueSettings(this.capacity, leaseTimeout, this.maxAttempts, this.deadLetterQueue, this.maxInFlight,
				this.maxLeasesPerSecond, this.maxInFlightPerGroup);
	}

	public QueueSettings withMaxAttempts(int maxAttempts) {
		return new QueueSettings(this.capacity, this.leaseTimeout, maxAttempts, this.deadLetterQueue, this.maxInFlight,
				this.maxLeasesPerSecond, this.maxInFlightPerGroup);
	}

	public QueueSettings withDeadLetterQueue(String deadLetterQueue) {
		return new QueueSettings(this.capacity, this.leaseTimeout, this.maxAttempts, deadLetterQueue, this.maxInFlight,
				this.maxLeasesPerSecond, this.maxInFlightPerGroup);
	}

	/** At most {@code maxInFlight} leases held at once (0: no limit). */
	public QueueSettings withMaxInFlight(int maxInFlight) {
		return new QueueSettings(this.capacity, this.leaseTimeout, this.maxAttempts, this.deadLetterQueue, maxInFlight,
				this.maxLeasesPerSecond, this.maxInFlightPerGroup);
	}

	/** At most {@code maxLeasesPerSecond} jobs delivered a second (0: no limit). */
	public QueueSettings withMaxLeasesPerSecond(int maxLeasesPerSecond) {
		return new QueueSettings(this.capacity, this.leaseTimeout, this.maxAttempts, this.deadLetterQueue,
				this.maxInFlight, maxLeasesPerSecond, this.maxInFlightPerGroup);
	}

	/**
	 * At most {@code maxInFlightPerGroup} leases of one group's jobs at once (0: no
	 * limit).
	 */
	public QueueSettings withMaxInFlightPerGroup(int maxInFlightPerGroup) {
		return new QueueSettings(this.capacity, this.leaseTimeout, this.maxAttempts, this.deadLetterQueue,
				this.maxInFlight, this.maxLeasesPerSecond, maxInFlightPerGroup);
	}

}
