package dev.dispatch.client.test;

/** Where a {@link DispatchServer} keeps its queues. */
public enum Backend {

	/** In the service's memory (lost when it stops). */
	MEMORY,

	/** In a redis-server of the fixture's own (which needs redis-server installed). */
	REDIS

}
