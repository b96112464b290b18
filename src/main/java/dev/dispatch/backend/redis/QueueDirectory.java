package dev.dispatch.backend.redis;

import java.util.concurrent.CompletableFuture;

import dev.dispatch.queue.JobQueue;

/**
 * What a {@link RedisQueueStore} needs of the queues around it when it finds its queue
 * gone: the registry, seen through the two things a store may ask of it.
 */
interface QueueDirectory {

	/**
	 * The queue that now has the name {@code name}, whose generation {@code old} is gone,
	 * looked up in Redis without waiting on it: a new generation is adopted. If the name
	 * has no queue, {@code create} and auto-creation make one, as
	 * {@link dev.dispatch.queue.QueueRegistry#obtain} would; else {@code null}.
	 */
	CompletableFuture<JobQueue> successor(String name, String old, boolean create);

	/**
	 * Generation {@code generation} of queue {@code name} is gone: whoever looks the name
	 * up from now on must not find it. The listener hears the queue went.
	 */
	void forget(String name, String generation);

}
