package dev.dispatch.worker;

/** What a worker did, reported when it ends. */
public sealed interface WorkerReport {

	/** The worker's name as it appears in logs ({@code Fred}, {@code Fred-2}, …). */
	String worker();

	/** The queue it worked on. */
	String queue();

	/**
	 * A pusher's report.
	 *
	 * @param pushed jobs accepted by the queue
	 * @param waitsForRoom times it found the queue full and waited
	 * @param closedQueue whether it closed the queue after its last job
	 * @param joined whether it then saw every job of the queue done
	 */
	record Pushed(String worker, String queue, long pushed, long waitsForRoom, boolean closedQueue,
			boolean joined) implements WorkerReport {

	}

	/**
	 * A puller's report.
	 *
	 * @param handled jobs handled and acked
	 * @param failed handler failures (each nacked the job)
	 * @param released jobs handed back untouched at shutdown
	 * @param drained whether it stopped because the queue was drained (rather than at
	 * shutdown)
	 */
	record Pulled(String worker, String queue, long handled, long failed, long released,
			boolean drained) implements WorkerReport {

	}

}
