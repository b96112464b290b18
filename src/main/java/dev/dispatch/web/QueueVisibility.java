package dev.dispatch.web;

import java.util.List;

import dev.dispatch.queue.JobQueue;

/**
 * Which queues the list shows to the current request's caller: all of them, unless a bean
 * of this type (security's) says otherwise.
 */
public interface QueueVisibility {

	/** Shows every queue. */
	QueueVisibility ALL = (queues) -> queues;

	/** The queues of {@code queues} the caller may see, in the same order. */
	List<JobQueue> visible(List<JobQueue> queues);

}
