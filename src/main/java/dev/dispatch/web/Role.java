package dev.dispatch.web;

/**
 * What a caller may do on the queues its grant names; {@link Routes} says which roles
 * each endpoint needs. Configured in lower case ({@code producer}, {@code consumer},
 * {@code admin}).
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
	ADMIN

}
