package dev.dispatch.web.poll;

/**
 * A put or take that arrived while the service shuts down ({@link LongPolls#stop()}): the
 * client should send it again, to another instance.
 */
public class ServerDrainingException extends RuntimeException {

	ServerDrainingException() {
		super("the service is shutting down", null, false, false);
	}

}
