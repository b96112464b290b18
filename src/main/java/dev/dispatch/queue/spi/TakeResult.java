package dev.dispatch.queue.spi;

import java.util.List;
import java.util.Objects;

import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.Settled;

/**
 * What a {@link QueueStore} did with one {@link TakeAttempt}.
 *
 * @param status what happened
 * @param deliveries for {@code DELIVERED}, the jobs handed over (1 to the take's max),
 * oldest first; else none
 * @param settled one outcome per settlement the try made first, in their order
 */
public record TakeResult(Status status, List<Delivery> deliveries, List<Settled> settled) {

	/** What a take's try came to. */
	public enum Status {

		/** Jobs were leased (or settled at delivery). */
		DELIVERED,

		/** No job is ready, or delivery is paused. */
		EMPTY,

		/** The queue is closed and no job will ever come. */
		DRAINED

	}

	public TakeResult {
		Objects.requireNonNull(status, "status");
		deliveries = List.copyOf(deliveries);
		settled = List.copyOf(settled);
		if ((status == Status.DELIVERED) == deliveries.isEmpty()) {
			throw new IllegalArgumentException("a delivery hands over jobs, and only a delivery does");
		}
	}

}
