package dev.dispatch.queue;

/**
 * The store behind the queues could not be reached, or did not answer in time: the
 * operation may be tried again later. Whether a put that failed this way was accepted is
 * unknown; an idempotency key makes trying it again safe.
 */
public class BackendUnavailableException extends RuntimeException {

	public BackendUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
