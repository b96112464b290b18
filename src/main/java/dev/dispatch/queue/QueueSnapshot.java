package dev.dispatch.queue;

import java.time.Instant;
import java.util.List;

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
 * @param groups fairness groups with ready jobs (the default group among them); on Redis
 * at most the first {@value #GROUPS_LOOKED_AT} in turn order are counted
 * @param largestGroups the groups with the most ready jobs, most first, at most
 * {@value #LARGEST_GROUPS}
 * @param rateLimited whether the limit on leases per second allows none now
 * @param groupLimited whether every ready job is in a group that holds as many leases as
 * {@link QueueConfig#maxInFlightPerGroup} allows
 */
public record QueueSnapshot(String name, QueueConfig config, int size, int delayed, int inFlight, int waitingPutters,
		int waitingTakers, boolean closed, boolean drained, Instant oldestReadyAt, boolean paused, int groups,
		List<GroupCount> largestGroups, boolean rateLimited, boolean groupLimited) {

	/** A snapshot of a queue no limit holds back now. */
	public QueueSnapshot(String name, QueueConfig config, int size, int delayed, int inFlight, int waitingPutters,
			int waitingTakers, boolean closed, boolean drained, Instant oldestReadyAt, boolean paused, int groups,
			List<GroupCount> largestGroups) {
		this(name, config, size, delayed, inFlight, waitingPutters, waitingTakers, closed, drained, oldestReadyAt,
				paused, groups, largestGroups, false, false);
	}

	/** Most groups a snapshot names in {@link #largestGroups}. */
	public static final int LARGEST_GROUPS = 10;

	/** Most groups a store looks at for a snapshot (a bound on its cost). */
	public static final int GROUPS_LOOKED_AT = 1000;

	public QueueSnapshot {
		largestGroups = List.copyOf(largestGroups);
	}

	/** Jobs not yet settled: ready + delayed + in flight (Python's unfinished tasks). */
	public int unfinished() {
		return this.size + this.delayed + this.inFlight;
	}

	/** The queue's capacity. */
	public int capacity() {
		return this.config.capacity();
	}

}
