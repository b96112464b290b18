package dev.dispatch.queue;

/** The queue was deleted while the operation waited on it, or before it began. */
public class QueueDeletedException extends QueueNotFoundException {

	public QueueDeletedException(String queue) {
		super(queue);
	}

}
