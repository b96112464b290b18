package dev.dispatch.queue.spi;

/**
 * The state a store leaves a queue in after one of its operations, and what that
 * operation's housekeeping did: what a {@link WaitingRoom} needs to decide which parked
 * requests to try again.
 *
 * @param ready jobs ready for a consumer
 * @param delayed jobs waiting for their due time
 * @param inFlight jobs leased to consumers
 * @param capacity the queue's capacity (bounds ready + delayed)
 * @param closed whether the queue is closed
 * @param purging whether it was closed immediately (or is being deleted): takes answer
 * drained at once
 * @param paused whether delivery is paused
 * @param nextDue when the store wants to be looked at again (epoch ms: the next lease
 * expiry or delayed job it does not time itself), or -1
 * @param expired leases the operation found run out
 * @param deadLetteredMaxAttempts jobs the operation moved to the dead-letter queue after
 * their last attempt
 * @param deadLetteredPurged jobs the operation moved to the dead-letter queue by a purge
 * @param maxInFlight the queue's limit on leases held at once; 0: none
 * @param rateLimited whether the queue's limit on leases per second allows none now (the
 * store's nextDue is then no later than when it will)
 * @param maxInFlightPerGroup the queue's limit on leases held at once per fairness group;
 * 0: none
 * @param groupLimited whether every ready job is in a group that holds as many leases as
 * that limit allows (a lease's end may change it). A store may look only when a take got
 * nothing and when it is looked at, and say false otherwise: the room then tries a parked
 * take once more, whose answer tells
 */
public record QueueState(long ready, long delayed, long inFlight, long capacity, boolean closed, boolean purging,
		boolean paused, long nextDue, long expired, long deadLetteredMaxAttempts, long deadLetteredPurged,
		long maxInFlight, boolean rateLimited, long maxInFlightPerGroup, boolean groupLimited) {

	/** A state of a queue without a limit on leases in flight per group. */
	public QueueState(long ready, long delayed, long inFlight, long capacity, boolean closed, boolean purging,
			boolean paused, long nextDue, long expired, long deadLetteredMaxAttempts, long deadLetteredPurged,
			long maxInFlight, boolean rateLimited) {
		this(ready, delayed, inFlight, capacity, closed, purging, paused, nextDue, expired, deadLetteredMaxAttempts,
				deadLetteredPurged, maxInFlight, rateLimited, 0, false);
	}

	/** A state of a queue the rate limit does not hold back now. */
	public QueueState(long ready, long delayed, long inFlight, long capacity, boolean closed, boolean purging,
			boolean paused, long nextDue, long expired, long deadLetteredMaxAttempts, long deadLetteredPurged,
			long maxInFlight) {
		this(ready, delayed, inFlight, capacity, closed, purging, paused, nextDue, expired, deadLetteredMaxAttempts,
				deadLetteredPurged, maxInFlight, false);
	}

	/** A state of a queue without a limit on leases in flight. */
	public QueueState(long ready, long delayed, long inFlight, long capacity, boolean closed, boolean purging,
			boolean paused, long nextDue, long expired, long deadLetteredMaxAttempts, long deadLetteredPurged) {
		this(ready, delayed, inFlight, capacity, closed, purging, paused, nextDue, expired, deadLetteredMaxAttempts,
				deadLetteredPurged, 0);
	}

	/**
	 * Whether a take could get a job now: one is ready, delivery is not paused, and the
	 * limits allow a lease of it.
	 */
	public boolean servesTakes() {
		return this.ready > 0 && !this.paused && allowsLease() && !this.groupLimited;
	}

	/**
	 * Whether the queue's limits on leases in flight and per second allow one more now.
	 */
	public boolean allowsLease() {
		return (this.maxInFlight == 0 || this.inFlight < this.maxInFlight) && !this.rateLimited;
	}

	/** Whether a put could be accepted now: ready + delayed below the capacity. */
	public boolean hasRoom() {
		return this.ready + this.delayed < this.capacity;
	}

	/** Room for this many more jobs, at least 0. */
	public long room() {
		return Math.max(0, this.capacity - this.ready - this.delayed);
	}

	/** Jobs not yet settled: ready, delayed or leased. */
	public long unfinished() {
		return this.ready + this.delayed + this.inFlight;
	}

	/** Whether takes answer drained: closed, and no job can come any more. */
	public boolean drained() {
		return this.closed && (this.purging || unfinished() == 0);
	}

}
