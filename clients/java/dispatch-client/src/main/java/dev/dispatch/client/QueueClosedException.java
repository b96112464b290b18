package dev.dispatch.client;

/**
 * {@code 409 queue-closed}: the queue is closed and accepts no job any more; the job was
 * not accepted.
 */
public class QueueClosedException extends DispatchException {

	QueueClosedException(Problem problem) {
		super(problem, null);
	}

}
