package dev.dispatch.config;

/**
 * Where the queues are kept, as the start-up report says it; the wiring of each backend
 * makes one. It names places, never a secret: no password, no key.
 *
 * @param summary e.g. {@code in memory, this process only (lost when it stops)}
 */
public record BackendDescription(String summary) {

}
