package dev.dispatch.client;

/**
 * A queue's state, as the service reports it.
 *
 * @param name the queue
 * @param capacity the most ready and delayed jobs
 * @param size jobs ready
 * @param delayed jobs delayed
 * @param inFlight jobs leased
 * @param unfinished ready, delayed and leased
 * @param waitingPutters puts parked for room
 * @param waitingTakers takes parked for a job
 * @param closed whether it accepts no job any more
 * @param drained whether it is closed and empty
 */
public record QueueInfo(String name, int capacity, int size, int delayed, int inFlight, int unfinished,
		int waitingPutters, int waitingTakers, boolean closed, boolean drained) {
}
