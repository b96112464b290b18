package dev.dispatch.queue.spi;

import java.time.Instant;
import java.util.List;

import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.Settled;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.queue.QueueListener.WaitKind;

/**
 * A take in a {@link WaitingRoom}'s line. Mutable parts are guarded by the room's lock.
 */
final class TakeWaiter extends Waiter<TakeOutcome> {

	final TakeOptions options;

	/** Leases its first try settles before it takes, or none. */
	final List<Settle> settleFirst;

	/**
	 * What came of {@code settleFirst}, once its first try was answered; {@code null}
	 * before.
	 */
	List<Settled> settled;

	/** Whether it found nothing and waits in line. */
	boolean parked;

	/** Tries in flight that may hand it jobs: its own, and puts' hand-offs. */
	int inFlight;

	TakeWaiter(Owner owner, Instant now, TakeOptions options, List<Settle> settleFirst) {
		super(owner, now, WaitKind.TAKE);
		this.options = options;
		this.settleFirst = settleFirst;
		this.settled = settleFirst.isEmpty() ? List.of() : null;
	}

	/**
	 * Whether what came of the settlements it makes first is not known yet: its first try
	 * is under way. It must not be answered before, but by a failure.
	 */
	boolean settling() {
		return this.settled == null;
	}

}
