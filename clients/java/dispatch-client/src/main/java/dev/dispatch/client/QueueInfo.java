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
 * @param paused whether an operator paused its deliveries
 * @param limits its limits on leases
 * @param groups fairness groups with ready jobs
 */
public record QueueInfo(String name, int capacity, int size, int delayed, int inFlight, int unfinished,
		int waitingPutters, int waitingTakers, boolean closed, boolean drained, boolean paused, Limits limits,
		int groups) {

	/**
	 * A queue's limits on leases; each 0 when the queue has none.
	 *
	 * @param maxInFlight the most leases held at once by every consumer together
	 * @param maxLeasesPerSecond the most jobs delivered per second
	 * @param maxInFlightPerGroup the most leases held at once of one group's jobs
	 * @param groupLimited whether every ready job is in a group at that limit, so that
	 * takes wait for one of its leases to end
	 */
	public record Limits(int maxInFlight, int maxLeasesPerSecond, int maxInFlightPerGroup, boolean groupLimited) {

		/** No limits. */
		public static final Limits NONE = new Limits(0, 0, 0, false);

	}

}
