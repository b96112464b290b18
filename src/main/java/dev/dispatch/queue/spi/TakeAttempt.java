package dev.dispatch.queue.spi;

import java.util.List;
import java.util.Objects;

import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.TakeOptions;

/**
 * One try of a take at a {@link QueueStore}, made by a {@link WaitingRoom}.
 *
 * @param options what the take asks for
 * @param settleFirst leases to settle in the same step, before the take (its first try
 * only: a consumer that settles what it finished and asks for more in one request), or
 * none
 */
public record TakeAttempt(TakeOptions options, List<Settle> settleFirst) {

	public TakeAttempt {
		Objects.requireNonNull(options, "options");
		settleFirst = List.copyOf(settleFirst);
	}

	/** A take that settles nothing first. */
	public static TakeAttempt of(TakeOptions options) {
		return new TakeAttempt(options, List.of());
	}

}
