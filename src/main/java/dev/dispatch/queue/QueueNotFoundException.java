package dev.dispatch.queue;

/** No queue has the name asked for (and it may not be created on demand). */
public class QueueNotFoundException extends RuntimeException {

	private final String queue;

	public QueueNotFoundException(String queue) {
		super("no queue named '" + queue + "'");
		this.queue = queue;
	}

	/** The name asked for. */
	public String queue() {
		return this.queue;
	}

}
