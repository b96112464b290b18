package dev.dispatch.queue.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import dev.dispatch.queue.QueueListener.WaitKind;
import dev.dispatch.queue.Scheduler;

/**
 * A parked operation (a put, take or join) and the future its caller holds.
 *
 * <p>
 * A waiter leaves {@code WAITING} exactly once, moved by its owning queue while the queue
 * holds the lock that guards its waiters:
 *
 * <pre>
 * WAITING ──settle / fail──▶ SETTLED
 *    └──────withdraw───────▶ CANCELLED
 * </pre>
 *
 * The outcome is fixed when the waiter settles; its future is completed afterwards, by
 * {@link #finish()}, outside the lock. If the future's holder cancels in between, the
 * owner finds the waiter settled, {@link WaitFuture#cancel} completes the future with
 * that same outcome and answers {@code false}. So an outcome decided under the lock is
 * the one the caller sees, and a job handed to a take is never lost to a racing cancel:
 * should the future be completed some other way all the same, {@link #finish()} answers
 * {@code false} and the owner hands the outcome back.
 *
 * @param <T> the outcome
 */
public class Waiter<T> {

	/**
	 * Life cycle of a parked operation; see the class comment.
	 */
	public enum State {

		WAITING, SETTLED, CANCELLED

	}

	private final WaitFuture<T> future;

	private final Instant parkedAt;

	private final WaitKind kind;

	/** Guarded by the owner's lock. */
	private State state = State.WAITING;

	/** The outcome fixed when settled. Guarded by the owner's lock. */
	private T outcome;

	/**
	 * The failure fixed when settled, instead of an outcome. Guarded by the owner's lock.
	 */
	private RuntimeException failure;

	/** The timer that ends the wait, or null. Guarded by the owner's lock. */
	private Scheduler.Cancellable deadline;

	/**
	 * @param owner withdraws the waiter when its future is cancelled
	 * @param parkedAt when the operation began
	 * @param kind what the listener is told the wait was, or {@code null} (joins)
	 */
	public Waiter(Owner owner, Instant parkedAt, WaitKind kind) {
		this.future = new WaitFuture<>(() -> owner.withdraw(this), this::finish);
		this.parkedAt = parkedAt;
		this.kind = kind;
	}

	/** The future the caller holds. */
	public WaitFuture<T> future() {
		return this.future;
	}

	/** When the operation began. */
	public Instant parkedAt() {
		return this.parkedAt;
	}

	/** How long the operation has waited by {@code now}. */
	public Duration waited(Instant now) {
		return Duration.between(this.parkedAt, now);
	}

	/** What the listener is told the wait was, or {@code null}. */
	public WaitKind kind() {
		return this.kind;
	}

	/** Whether the waiter has not left {@code WAITING}. Call only holding the lock. */
	public boolean isWaiting() {
		return this.state == State.WAITING;
	}

	/** The state. Call only holding the lock. */
	public State state() {
		return this.state;
	}

	/**
	 * Fixes the outcome; the future completes when {@link #finish()} runs after the
	 * unlock. Call only holding the lock.
	 * @throws IllegalStateException if the waiter already left {@code WAITING}
	 */
	public void settle(T outcome) {
		move(State.SETTLED);
		this.outcome = outcome;
	}

	/**
	 * Fixes a failure as the outcome. Call only holding the lock.
	 * @throws IllegalStateException if the waiter already left {@code WAITING}
	 */
	public void fail(RuntimeException failure) {
		move(State.SETTLED);
		this.failure = Objects.requireNonNull(failure, "failure");
	}

	/**
	 * Marks the waiter withdrawn, if it is still waiting. Call only holding the lock.
	 * @return whether it was waiting
	 */
	public boolean withdraw() {
		if (this.state != State.WAITING) {
			return false;
		}
		this.state = State.CANCELLED;
		return true;
	}

	/** The outcome fixed when settled, or {@code null}. Call only holding the lock. */
	public T outcome() {
		return this.outcome;
	}

	/**
	 * The timer that ends the wait, or null. Call only holding the lock.
	 */
	public Scheduler.Cancellable deadline() {
		return this.deadline;
	}

	/** Sets the timer that ends the wait. Call only holding the lock. */
	public void deadline(Scheduler.Cancellable deadline) {
		this.deadline = deadline;
	}

	/**
	 * Completes the future with the outcome fixed when the waiter settled. Call only
	 * after the waiter settled, from a thread that has held the lock since.
	 * @return whether the future now holds that outcome (false for a failure, or if the
	 * future was completed by other means)
	 */
	public boolean finish() {
		if (this.failure != null) {
			this.future.completeExceptionally(this.failure);
			return false;
		}
		if (this.future.complete(this.outcome)) {
			return true;
		}
		return !this.future.isCompletedExceptionally() && this.future.getNow(null) == this.outcome;
	}

	private void move(State to) {
		if (this.state != State.WAITING) {
			throw new IllegalStateException("waiter cannot move from " + this.state + " to " + to);
		}
		this.state = to;
	}

	/** The queue that parked a waiter. */
	@FunctionalInterface
	public interface Owner {

		/**
		 * Withdraws a parked operation whose future is being cancelled: takes the lock,
		 * {@linkplain Waiter#withdraw() marks it withdrawn} if it still waits and forgets
		 * it.
		 * @return {@code true} if it was withdrawn, {@code false} if its outcome was
		 * already fixed
		 */
		boolean withdraw(Waiter<?> waiter);

	}

}
