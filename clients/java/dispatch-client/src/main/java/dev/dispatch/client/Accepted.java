package dev.dispatch.client;

import java.time.Instant;

/**
 * A job the service accepted.
 *
 * @param id the job's id
 * @param queue the queue it is in
 * @param enqueuedAt when it was accepted
 * @param readyAt when a delayed job becomes ready; null for one ready at once
 * @param duplicate whether its idempotency key was already known: nothing new was
 * created, and {@code id} is the original job's
 */
public record Accepted(String id, String queue, Instant enqueuedAt, Instant readyAt, boolean duplicate) {
}
