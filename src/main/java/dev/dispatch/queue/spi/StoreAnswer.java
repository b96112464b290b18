package dev.dispatch.queue.spi;

/**
 * What a {@link QueueStore} answers to one operation: its value and the queue's state
 * after it, or that the queue is gone.
 *
 * @param value the operation's own result; {@code null} when the queue is missing (and
 * for operations that have none)
 * @param state the queue after the operation, or {@code null} when it is missing or the
 * store did not read it
 * @param missing whether the queue the store serves does not exist any more (deleted,
 * here or by another process sharing the store)
 * @param <T> the operation's result
 */
public record StoreAnswer<T>(T value, QueueState state, boolean missing) {

	private static final StoreAnswer<?> MISSING = new StoreAnswer<>(null, null, true);

	/** The operation's value and the state it left. */
	public static <T> StoreAnswer<T> of(T value, QueueState state) {
		return new StoreAnswer<>(value, state, false);
	}

	/** The queue is gone: nothing was done. */
	@SuppressWarnings("unchecked")
	public static <T> StoreAnswer<T> gone() {
		return (StoreAnswer<T>) MISSING;
	}

}
