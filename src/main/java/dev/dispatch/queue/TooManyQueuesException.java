package dev.dispatch.queue;

/** Creating a queue would exceed the registry's limit on queues. */
public class TooManyQueuesException extends RuntimeException {

	public TooManyQueuesException(String queue, int limit) {
		super("cannot create queue '" + queue + "': there are already " + limit
				+ " queues, the most allowed (dispatch.max-queues)");
	}

}
