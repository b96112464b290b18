package dev.dispatch.security;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueNames;
import dev.dispatch.web.QueueVisibility;
import dev.dispatch.web.Role;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The list of queues shows a caller the queues it holds a role on, and the conventional
 * dead-letter queues of those it administers (what the dead-letter rule opens to it).
 * Without credentials configured, every queue.
 */
final class GrantedQueues implements QueueVisibility {

	@Override
	public List<JobQueue> visible(List<JobQueue> queues) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (!(authentication instanceof IdentityAuthentication proven)) {
			return queues;
		}
		Identity identity = proven.identity();
		Set<String> deadLetters = new HashSet<>();
		for (JobQueue queue : queues) {
			String conventional = QueueNames.deadLetterQueueOf(queue.name());
			if (identity.may(Role.ADMIN, queue.name())
					&& conventional.equals(queue.snapshot().join().config().deadLetterQueueFor(queue.name()))) {
				deadLetters.add(conventional);
			}
		}
		return queues.stream()
			.filter((queue) -> (!identity.roles().isEmpty() && identity.names(queue.name()))
					|| deadLetters.contains(queue.name()))
			.toList();
	}

}
