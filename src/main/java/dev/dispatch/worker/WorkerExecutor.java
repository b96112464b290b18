package dev.dispatch.worker;

/** The executor that runs pushers and pullers: one virtual thread per worker. */
public final class WorkerExecutor {

	/** The executor's bean name, as {@code @Async} names it. */
	public static final String NAME = "workerExecutor";

	private WorkerExecutor() {
	}

}
