package dev.dispatch.queue.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueListener.WaitKind;

/**
 * A put (or batch put) in a {@link WaitingRoom}'s line. Mutable parts are guarded by the
 * room's lock.
 */
final class PutWaiter extends Waiter<PutOutcome> {

	/** The jobs: one for a single put. */
	final List<NewJob> jobs;

	/** Their ids, made once, so that every try offers the same jobs. */
	final List<String> ids;

	final boolean batch;

	final Duration maxWait;

	/** Whether it found the queue full and waits in line. */
	boolean parked;

	/** Whether a try (not a look-up) is in flight. */
	boolean inFlight;

	/** Completed when the try in flight has been answered. */
	CompletableFuture<Void> attempt;

	/** Whether its wait elapsed while a try was in flight: the try's answer decides. */
	boolean expired;

	/**
	 * The leases in flight when a parked take could not be handed its job because its
	 * group was at the queue's limit per group, or -1: until fewer are in flight, no take
	 * makes room for it.
	 */
	long heldByGroupAt = -1;

	/**
	 * Whether a try of it, once it had parked, went unanswered (the store failed): it may
	 * have been accepted, so its wait may not end in "full" without asking the store.
	 */
	boolean uncertain;

	/** How many new jobs a batch needs room for, as its last try counted. */
	int needed;

	/**
	 * Payload bytes it holds reserved in the store (see {@link PutResult#reserved()}):
	 * owned by the try in flight while there is one.
	 */
	long reserved;

	/** Whether the store refused to reserve its bytes when it joined the line. */
	boolean refusedStorage;

	PutWaiter(Owner owner, Instant now, List<NewJob> jobs, List<String> ids, boolean batch, Duration maxWait) {
		super(owner, now, WaitKind.PUT);
		this.jobs = jobs;
		this.ids = ids;
		this.batch = batch;
		this.maxWait = maxWait;
		this.needed = jobs.size();
	}

	/** The single put's idempotency key, or {@code null} (always for a batch). */
	String key() {
		return this.batch ? null : this.jobs.getFirst().idempotencyKey();
	}

	/** Whether it is a single put of a job that waits before it is ready. */
	boolean delayed() {
		return !this.batch && this.jobs.getFirst().delay().isPositive();
	}

	/**
	 * Whether its group was at its limit when last tried, and no lease ended since as far
	 * as {@code state} tells.
	 */
	boolean heldByGroup(QueueState state) {
		return this.heldByGroupAt >= 0 && state.maxInFlightPerGroup() > 0 && state.inFlight() >= this.heldByGroupAt;
	}

	/** Whether its job could go straight to a take: a single put, ready at once. */
	boolean canHandOff() {
		return !this.batch && !delayed();
	}

	/** Marks a try in flight. */
	void startAttempt() {
		this.inFlight = true;
		this.attempt = new CompletableFuture<>();
	}

	long bytes() {
		long bytes = 0;
		for (NewJob job : this.jobs) {
			bytes += job.payload().size();
		}
		return bytes;
	}

}
