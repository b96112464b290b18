package dev.dispatch.queue.job;

/**
 * Where a dead-lettered job came from and why.
 *
 * @param queue the queue it failed in
 * @param reason why it left that queue
 * @param attempts deliveries it had there
 */
public record DeadLetter(String queue, Reason reason, int attempts) {

	/** Why a job was moved to a dead-letter queue. */
	public enum Reason {

		/** It was delivered {@code maxAttempts} times and failed each time. */
		MAX_ATTEMPTS("max-attempts"),

		/** Its queue was closed immediately, or deleted, while it was still there. */
		PURGED("purged");

		private final String label;

		Reason(String label) {
			this.label = label;
		}

		/** The reason as the HTTP API and metrics spell it. */
		public String label() {
			return this.label;
		}

	}

}
