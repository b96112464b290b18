package dev.dispatch.web.request;

/**
 * A queue's settings as sent in {@code PUT /v1/queues/{queue}} and read by
 * {@link SettingsReader}; absent parts keep their value.
 *
 * @param capacity most jobs ready or delayed at once
 * @param leaseTimeout how long a consumer holds a job, as sent (a duration's text)
 * @param maxAttempts deliveries before a failing job goes to the dead-letter queue
 * @param deadLetterQueue where failing jobs go
 * @param maxInFlight most leases held at once by every consumer together; 0: no limit
 * @param maxLeasesPerSecond most jobs delivered per second to every consumer together; 0:
 * no limit
 * @param maxInFlightPerGroup most leases held at once of one fairness group's jobs by
 * every consumer together; 0: no limit
 */
public record QueueSettings(Integer capacity, String leaseTimeout, Integer maxAttempts, String deadLetterQueue,
		Integer maxInFlight, Integer maxLeasesPerSecond, Integer maxInFlightPerGroup) {
}
