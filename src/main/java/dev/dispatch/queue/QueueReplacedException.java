package dev.dispatch.queue;

import java.util.Objects;

/**
 * The queue an operation was made on had been deleted before the operation reached it,
 * and a new queue of the same name exists: the operation did nothing and may be made
 * again on {@link #replacement()}. Seen when another instance of the service deleted and
 * created the queue again while this one still knew the old one.
 */
public class QueueReplacedException extends QueueDeletedException {

	private final transient JobQueue replacement;

	public QueueReplacedException(String queue, JobQueue replacement) {
		super(queue);
		this.replacement = Objects.requireNonNull(replacement, "replacement");
	}

	/** The queue that now has the name. */
	public JobQueue replacement() {
		return this.replacement;
	}

}
