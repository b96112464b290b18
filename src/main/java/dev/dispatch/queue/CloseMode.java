package dev.dispatch.queue;

/** How {@link JobQueue#close(CloseMode)} treats jobs that are still waiting. */
public enum CloseMode {

	/**
	 * Consumers still receive every job in the queue; takes answer drained once it is
	 * empty.
	 */
	GRACEFUL,

	/**
	 * Every job still waiting goes to the dead-letter queue (reason purged), and takes
	 * answer drained at once.
	 */
	IMMEDIATE

}
