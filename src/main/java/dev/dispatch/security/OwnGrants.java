package dev.dispatch.security;

import java.util.Optional;
import java.util.function.Predicate;

import dev.dispatch.queue.QueueNames;
import dev.dispatch.web.AdminGrants;
import dev.dispatch.web.Role;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * What a caller administers by its own grants, and which dead-letter queues it may name:
 * one its grants name, or the queue's own conventional {@code <queue>.dead}. The
 * dead-letter rule opens a queue's conventional dead-letter queue to its admins; a name
 * outside one's grants could otherwise be claimed before its owner's queue exists, and
 * collect that owner's failures. Without credentials configured, anything.
 */
final class OwnGrants implements AdminGrants {

	private static Optional<Identity> caller() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		return (authentication instanceof IdentityAuthentication proven) ? Optional.of(proven.identity())
				: Optional.empty();
	}

	@Override
	public Optional<Predicate<String>> ownQueues() {
		return caller().map((identity) -> (queue) -> identity.may(Role.ADMIN, queue));
	}

	@Override
	public Optional<String> refusal(String queue, String deadLetterQueue) {
		Optional<Identity> caller = caller();
		if (caller.isEmpty() || caller.get().may(Role.ADMIN, deadLetterQueue)
				|| deadLetterQueue.equals(QueueNames.deadLetterQueueOf(queue))) {
			return Optional.empty();
		}
		return Optional.of("'" + deadLetterQueue + "' is not a queue you administer; name one of yours, or leave '"
				+ QueueNames.deadLetterQueueOf(queue) + "'");
	}

}
