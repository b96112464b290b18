package dev.dispatch.client;

/**
 * {@code 404 queue-not-found}: no such queue (and puts may not create it). A consumer
 * loop waits for the queue to appear.
 */
public class QueueNotFoundException extends DispatchException {

	QueueNotFoundException(Problem problem) {
		super(problem, null);
	}

}
