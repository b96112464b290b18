/**
 * Building blocks for {@link dev.dispatch.queue.JobQueue} backends: the life cycle of a
 * parked operation and its future ({@link Waiter}, {@link WaitFuture}), and the
 * decide-under-the-lock, act-after-it list of consequences ({@link Effects}). Pure Java,
 * like the rest of the core.
 */
package dev.dispatch.queue.spi;
