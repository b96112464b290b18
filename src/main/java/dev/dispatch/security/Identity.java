package dev.dispatch.security;

import java.util.List;
import java.util.Set;

import dev.dispatch.web.Role;

/**
 * Who sent a request, and what it may do: each of its roles on every queue its patterns
 * name.
 *
 * @param name who it is, for logs and audit: the API key's name or the token's subject
 * @param roles what it may do
 * @param queues where it may do it
 * @param via how it proved who it is: {@code api-key} or {@code jwt}
 */
public record Identity(String name, Set<Role> roles, List<QueuePattern> queues, String via) {

	public Identity {
		roles = Set.copyOf(roles);
		queues = List.copyOf(queues);
	}

	/** Whether it holds {@code role} on {@code queue} by its own grant. */
	public boolean may(Role role, String queue) {
		return this.roles.contains(role) && names(queue);
	}

	/** Whether its patterns name {@code queue}. */
	public boolean names(String queue) {
		for (QueuePattern pattern : this.queues) {
			if (pattern.matches(queue)) {
				return true;
			}
		}
		return false;
	}

}
