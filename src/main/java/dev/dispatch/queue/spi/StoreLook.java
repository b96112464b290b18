package dev.dispatch.queue.spi;

import java.time.Instant;

import dev.dispatch.queue.QueueConfig;

/**
 * What a {@link QueueStore} tells of a queue when it is looked at, beyond its
 * {@link QueueState}.
 *
 * @param config the queue's configuration
 * @param oldestReadyAt when the oldest ready job entered the queue (a store may look at
 * the first ones only), or {@code null} if none is ready
 */
public record StoreLook(QueueConfig config, Instant oldestReadyAt) {

}
