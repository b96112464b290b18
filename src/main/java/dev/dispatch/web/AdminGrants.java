package dev.dispatch.web;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the current request's caller may administer, for the admin requests whose reach
 * goes beyond the queue in their path: a redrive sends jobs to the queues they came from,
 * and a queue's settings may name a dead-letter queue. Anything, unless a bean of this
 * type (security's) says otherwise.
 */
public interface AdminGrants {

	/** No credentials: every caller may administer every queue. */
	AdminGrants ANY = new AdminGrants() {

		@Override
		public Optional<Predicate<String>> ownQueues() {
			return Optional.empty();
		}

		@Override
		public Optional<String> refusal(String queue, String deadLetterQueue) {
			return Optional.empty();
		}

	};

	/**
	 * The queues the caller administers by its own grants (not by the dead-letter rule):
	 * where a redrive may send jobs. Empty when there are no credentials: every queue.
	 */
	Optional<Predicate<String>> ownQueues();

	/**
	 * Why the caller may not make {@code deadLetterQueue} the dead-letter queue of
	 * {@code queue} (which it administers), or empty if it may. A dead-letter queue is
	 * open to whoever administers one of the queues it serves, so naming one must not
	 * open a queue that serves another's.
	 */
	Optional<String> refusal(String queue, String deadLetterQueue);

}
