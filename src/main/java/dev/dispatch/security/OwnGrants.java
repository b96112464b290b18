package dev.dispatch.security;

import java.util.Optional;
import java.util.function.Predicate;

import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.web.AdminGrants;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * What a caller administers by its own grants, and which dead-letter queues it may name:
 * one its grants name; else one that serves (or, once created, will serve) only queues it
 * administers. Otherwise the dead-letter rule would hand it a queue that holds another
 * owner's jobs, or another owner's queue itself. Without credentials configured,
 * anything.
 */
final class OwnGrants implements AdminGrants {

	private final QueueRegistry registry;

	OwnGrants(QueueRegistry registry) {
		this.registry = registry;
	}

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
		if (caller.isEmpty() || caller.get().may(Role.ADMIN, deadLetterQueue)) {
			return Optional.empty();
		}
		Identity identity = caller.get();
		boolean servesOwn = false;
		for (JobQueue source : this.registry.list()) {
			String itsDeadLetters = source.snapshot().join().config().deadLetterQueueFor(source.name());
			if (!itsDeadLetters.equals(deadLetterQueue)) {
				continue;
			}
			// the queue being configured is the caller's: the request's own check let it
			// in
			if (!source.name().equals(queue) && !identity.may(Role.ADMIN, source.name())) {
				return Optional
					.of("'" + deadLetterQueue + "' is the dead-letter queue of a queue you do not administer");
			}
			servesOwn = true;
		}
		if (!servesOwn && this.registry.find(deadLetterQueue).isPresent()) {
			return Optional.of("'" + deadLetterQueue + "' is a queue you do not administer");
		}
		return Optional.empty();
	}

}
