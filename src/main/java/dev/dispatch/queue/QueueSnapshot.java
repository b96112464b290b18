package dev.dispatch.queue;

import java.time.Instant;

/**
 * The state of one queue at one instant; all numbers are read together.
 *
 * @param name the queue's name
 * @param config its configuration
 * @param size jobs ready for a consumer
 * @param delayed jobs put or nacked with a delay, not yet ready
 * @param inFlight jobs leased to consumers and not yet settled
 * @param waitingPutters puts parked for room
 * @param waitingTakers takes parked for a job
 * @param closed whether the queue was closed
 * @param drained whether takes answer drained: closed, and no job can come any more
 * @param oldestReadyAt when the oldest ready job entered the queue, or {@code null} if
 * none is ready
 * @param paused whether delivery is paused: takes get nothing until it resumes
 */
public record QueueSnapshot(String name, QueueConfig config, int size, int delayed, int inFlight, int waitingPutters,
		int waitingTakers, boolean closed, boolean drained, Instant oldestReadyAt, boolean paused) {

	/** Jobs not yet settled: ready + delayed + in flight (Python's unfinished tasks). */
	public int unfinished() {
		return this.size + this.delayed + this.inFlight;
	}

	/** The queue's capacity. */
	public int capacity() {
		return this.config.capacity();
	}

}
