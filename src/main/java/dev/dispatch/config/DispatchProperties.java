package dev.dispatch.config;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueNames;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings under {@code dispatch.*}.
 *
 * @param backend where queues live: {@code memory} (this process only, the default) or
 * {@code redis} (shared by replicas, with Spring Boot's {@code spring.data.redis.*}
 * settings)
 * @param autoCreate whether a put on an unknown queue creates it with the defaults
 * @param maxQueues most queues (dead-letter queues are created beyond it, so no job is
 * dropped)
 * @param dedupWindow how long an accepted idempotency key is remembered
 * @param maxHeldBytes most payload bytes held at once, in all queues together: accepted
 * jobs and parked puts (puts beyond it answer 503 {@code storage-full}); unset: a quarter
 * of the JVM's maximum heap
 * @param defaults configuration of queues created on demand
 * @param queues queues that exist from start-up, by name; unset parts take the defaults
 * @param redis settings of the Redis backend (the connection itself is
 * {@code spring.data.redis.*})
 */
@Validated
@ConfigurationProperties("dispatch")
public record DispatchProperties(@DefaultValue("memory") Backend backend, @DefaultValue("true") boolean autoCreate,
		@DefaultValue("1000") @Min(1) int maxQueues, @DefaultValue("10m") Duration dedupWindow, DataSize maxHeldBytes,
		@DefaultValue @Valid Defaults defaults, Map<String, @Valid QueueProperties> queues,
		@DefaultValue @Valid Redis redis) {

	public DispatchProperties {
		queues = (queues != null) ? Map.copyOf(queues) : Map.of();
		if (maxHeldBytes != null && maxHeldBytes.toBytes() < 1) {
			throw new IllegalArgumentException("dispatch.max-held-bytes must be positive, got " + maxHeldBytes);
		}
	}

	/**
	 * The Redis backend's own settings.
	 *
	 * @param keyPrefix what every key of Dispatch starts with, so that deployments may
	 * share one Redis
	 * @param recheckPeriod how often a queue with parked requests is tried again without
	 * a wake-up message (pub/sub may lose messages): the longest a request stays parked
	 * while it could be served
	 * @param timeout how long Redis may take to answer a command; operations that must
	 * wait for it (creating, listing, deleting queues; the health check) wait this long
	 * @param waitReplicas how many Redis replicas must have a put before it is answered
	 * 201 ({@code WAIT}); 0, the default, answers once the primary has it. A put that
	 * fewer replicas confirm within the timeout answers 503 {@code backend-unavailable}
	 * (the job is in the queue all the same)
	 */
	public record Redis(@DefaultValue("dispatch") @Pattern(regexp = "[A-Za-z0-9._:-]+") String keyPrefix,
			@DefaultValue("1s") Duration recheckPeriod, @DefaultValue("2s") Duration timeout,
			@DefaultValue("0") @Min(0) int waitReplicas) {

	}

	/** Where queues live. */
	public enum Backend {

		/** In this process's memory: fast, one replica, gone with the process. */
		MEMORY,

		/** In Redis (or Valkey): survives restarts, shared by every replica. */
		REDIS

	}

	/**
	 * The payload bytes all queues may hold: as configured, else a quarter of the heap.
	 */
	public long heldBytesLimit() {
		return (this.maxHeldBytes != null) ? this.maxHeldBytes.toBytes() : Runtime.getRuntime().maxMemory() / 4;
	}

	/**
	 * Configuration of queues created on demand.
	 *
	 * @param capacity most jobs ready or delayed at once
	 * @param leaseTimeout how long a consumer holds a job unless its take says otherwise
	 * @param maxAttempts deliveries before a failing job goes to the dead-letter queue
	 */
	public record Defaults(@DefaultValue("1000") @Min(1) int capacity, @DefaultValue("30s") Duration leaseTimeout,
			@DefaultValue("5") @Min(1) int maxAttempts) {

		/** These defaults as a queue configuration. */
		public QueueConfig toQueueConfig() {
			return new QueueConfig(this.capacity, this.leaseTimeout, this.maxAttempts, null);
		}

	}

	/**
	 * One queue declared in configuration.
	 *
	 * @param capacity most jobs ready or delayed at once; unset: the default
	 * @param leaseTimeout how long a consumer holds a job; unset: the default
	 * @param maxAttempts deliveries before a failing job is dead-lettered; unset: the
	 * default
	 * @param deadLetterQueue where failing jobs go; unset: {@code <queue>.dead}
	 * @param maxInFlight most leases held at once by every consumer together; unset or 0:
	 * no limit
	 * @param maxLeasesPerSecond most jobs delivered per second to every consumer
	 * together; unset or 0: no limit
	 * @param maxInFlightPerGroup most leases held at once of one fairness group's jobs
	 * (the default group's too) by every consumer together; takes pass over a group at
	 * its limit, which keeps its turn; unset or 0: no limit
	 */
	public record QueueProperties(@Min(1) Integer capacity, Duration leaseTimeout, @Min(1) Integer maxAttempts,
			@Pattern(regexp = QueueNames.PATTERN) String deadLetterQueue, @Min(0) Integer maxInFlight,
			@Min(0) Integer maxLeasesPerSecond, @Min(0) Integer maxInFlightPerGroup) {

		/** This queue's configuration, with unset parts taken from {@code defaults}. */
		public QueueConfig toQueueConfig(Defaults defaults) {
			return new QueueConfig((this.capacity != null) ? this.capacity : defaults.capacity(),
					(this.leaseTimeout != null) ? this.leaseTimeout : defaults.leaseTimeout(),
					(this.maxAttempts != null) ? this.maxAttempts : defaults.maxAttempts(), this.deadLetterQueue,
					(this.maxInFlight != null) ? this.maxInFlight : QueueConfig.UNLIMITED,
					(this.maxLeasesPerSecond != null) ? this.maxLeasesPerSecond : QueueConfig.UNLIMITED,
					(this.maxInFlightPerGroup != null) ? this.maxInFlightPerGroup : QueueConfig.UNLIMITED);
		}

	}

}
