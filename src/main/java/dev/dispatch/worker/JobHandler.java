package dev.dispatch.worker;

import dev.dispatch.queue.job.Delivery;

/**
 * Does the work of one job for a puller. Register implementations as beans; a puller
 * names the bean it hands its jobs to ({@code dispatch.workers.pullers.<name>.handler}).
 *
 * <p>
 * Returning normally acks the job. Throwing nacks it: it is delivered again, until the
 * queue's {@code maxAttempts} moves it to the dead-letter queue. The puller extends the
 * lease while the handler runs, so a slow handler keeps its job. Handlers should be
 * idempotent: delivery is at-least-once. A handler interrupted by shutdown should let
 * {@link InterruptedException} propagate; the job then goes back to the queue without
 * counting the attempt.
 */
@FunctionalInterface
public interface JobHandler {

	/** Handles one job. */
	void handle(Delivery job) throws Exception;

}
