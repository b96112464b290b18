package dev.dispatch.security;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * What an identity may do on the queues its grant names. Configured in lower case
 * ({@code producer}, {@code consumer}, {@code admin}).
 */
public enum Role {

	/** Put jobs. */
	PRODUCER,

	/**
	 * Take jobs, settle their leases (ack, nack, extend, release), read a queue's info.
	 */
	CONSUMER,

	/**
	 * Create, configure, close and delete queues, and everything on their dead-letter
	 * queues.
	 */
	ADMIN;

	private final GrantedAuthority authority = new SimpleGrantedAuthority("ROLE_" + name());

	/** The role as Spring Security's authority ({@code ROLE_ADMIN}...), made once. */
	GrantedAuthority authority() {
		return this.authority;
	}

}
