package dev.dispatch.client;

/**
 * Where a job in a dead-letter queue failed, and why.
 *
 * @param queue the queue it failed in
 * @param reason {@code max-attempts} or {@code purged}
 * @param attempts its attempts there
 */
public record DeadLetter(String queue, String reason, int attempts) {
}
