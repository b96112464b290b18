package dev.dispatch.client;

import java.time.Instant;

/**
 * What became of one settlement.
 *
 * @param settlement the settlement
 * @param done true when carried out; false when the lease was not held any more
 * ({@code lease-expired}: nothing happened to it)
 * @param leaseExpiresAt an extension's new end; null for the others
 */
public record SettleResult(Settlement settlement, boolean done, Instant leaseExpiresAt) {
}
