package dev.dispatch.queue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The named queues of one Dispatch deployment. Names follow {@link QueueNames}; every
 * method throws {@link IllegalArgumentException} for a name that does not.
 */
public interface QueueRegistry {

	/** The queue named {@code name}, if it exists. */
	Optional<JobQueue> find(String name);

	/**
	 * The queue named {@code name}.
	 * @throws QueueNotFoundException if there is none
	 */
	default JobQueue require(String name) {
		return find(name).orElseThrow(() -> new QueueNotFoundException(name));
	}

	/**
	 * The queue named {@code name}, created with the {@link #defaults() defaults} if it
	 * does not exist and auto-creation is on.
	 * @throws QueueNotFoundException if it does not exist and auto-creation is off
	 */
	JobQueue obtain(String name);

	/**
	 * Creates the queue named {@code name} with {@code config}, or applies {@code config}
	 * to it while it runs (a larger capacity admits parked puts at once).
	 * @return whether the queue was created
	 */
	boolean configure(String name, QueueConfig config);

	/** Every queue, ordered by name. */
	List<JobQueue> list();

	/**
	 * Deletes the queue named {@code name}. Parked puts answer closed, parked takes
	 * drained, parked joins fail with {@link QueueDeletedException}; jobs still in the
	 * queue or leased go to its dead-letter queue (reason purged), so none is lost.
	 * @return whether there was such a queue
	 */
	default boolean delete(String name) {
		return delete(name, false);
	}

	/**
	 * Deletes the queue named {@code name}, as {@link #delete(String)} does; with
	 * {@code discard}, its jobs (ready, delayed and leased) are thrown away instead of
	 * going to the dead-letter queue: the operator's way to free their storage, a
	 * dead-letter queue's above all (its jobs would go on to a dead-letter queue of its
	 * own).
	 * @return whether there was such a queue
	 */
	boolean delete(String name, boolean discard);

	/**
	 * Moves jobs of the dead-letter queue named {@code deadLetterQueue} back to the
	 * queues they failed in, to the tail, each keeping its id and starting again at
	 * attempt 0: the ready ones that {@code which} selects, oldest first, as many as each
	 * queue has room for (ready + delayed below its capacity), none to a queue that is
	 * closed or does not exist any more. Jobs that carry no origin (put there directly)
	 * stay. No job is lost: one that cannot be placed stays in, or returns to, the
	 * dead-letter queue.
	 * @throws QueueNotFoundException if there is no such queue
	 */
	CompletableFuture<Redriven> redrive(String deadLetterQueue, Redrive which);

	/** The configuration of queues created on demand. */
	QueueConfig defaults();

	/** Whether puts on unknown queues create them. */
	boolean autoCreate();

	/**
	 * Checks that the store behind the queues answers, waiting a short while at most.
	 * Nothing to check by default (the queues are in this process).
	 * @throws BackendUnavailableException if it does not
	 */
	default void checkAvailable() {
	}

	/**
	 * Runs {@code action} once the store behind the queues has first answered, before the
	 * registry reports itself available: at once, on the caller's thread, by default (the
	 * queues are in this process) and whenever the store already answered, so that its
	 * failure is the caller's; later, on a thread of the backend's, for a backend that
	 * started before its store answered. Used for what must be in place before requests
	 * are served, such as the queues a configuration declares.
	 */
	default void whenAvailable(Runnable action) {
		action.run();
	}

	/**
	 * What the backend holds of payloads and its limit, if it keeps such figures; empty
	 * by default.
	 */
	default Optional<StorageReport> storage() {
		return Optional.empty();
	}

}
