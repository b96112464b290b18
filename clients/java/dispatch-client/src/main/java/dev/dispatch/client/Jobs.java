package dev.dispatch.client;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A queue's jobs as an {@link Iterable}, one lease at a time, for a plain {@code for}
 * loop: it ends when the queue is closed and drained.
 *
 * <pre class="code">
 * try (Jobs jobs = client.jobs("emails", TakeOptions.DEFAULT)) {
 * 	for (Lease lease : jobs) {
 * 		send(lease.job().payload(Email.class));
 * 		lease.ack();
 * 	}
 * }
 * </pre>
 *
 * Waiting for the next job, it recovers as a {@link DispatchConsumer} does (a queue that
 * does not exist yet, a service unreachable or busy: waits and asks again) and throws
 * what asking again would not mend ({@code 401}, {@code 403}). Closing it releases the
 * leases it took but has not handed out yet (a take with {@code max} above 1). One
 * iteration per instance; not thread-safe.
 */
public final class Jobs implements Iterable<Lease>, AutoCloseable {

	private final DispatchClient client;

	private final String queue;

	private final TakeOptions options;

	private final Recovery recovery;

	private final Sleeper sleeper;

	private final Deque<Lease> taken = new ArrayDeque<>();

	private boolean drained;

	private boolean iterated;

	Jobs(DispatchClient client, String queue, TakeOptions options, Backoff backoff, Sleeper sleeper) {
		this.client = client;
		this.queue = queue;
		this.options = options;
		this.recovery = new Recovery(queue, backoff);
		this.sleeper = sleeper;
	}

	@Override
	public Iterator<Lease> iterator() {
		if (this.iterated) {
			throw new IllegalStateException("Jobs of queue " + this.queue + " iterate once; ask the client again");
		}
		this.iterated = true;
		return new Iterator<>() {

			@Override
			public boolean hasNext() {
				return fill();
			}

			@Override
			public Lease next() {
				if (!fill()) {
					throw new NoSuchElementException("queue " + Jobs.this.queue + " is drained");
				}
				return Jobs.this.taken.removeFirst();
			}

		};
	}

	/** Whether the queue was found closed and drained. */
	public boolean drained() {
		return this.drained;
	}

	/** Releases the leases taken but not handed out. */
	@Override
	public void close() {
		while (!this.taken.isEmpty()) {
			// the last first: each release goes to the head, so the queue keeps their
			// order
			Lease lease = this.taken.removeLast();
			try {
				lease.release();
			}
			catch (LeaseExpiredException ex) {
				// expired meanwhile: it is back in the queue already
			}
		}
	}

	private boolean fill() {
		while (this.taken.isEmpty() && !this.drained) {
			try {
				Taken answer = this.client.take(this.queue, this.options);
				this.recovery.reset();
				this.taken.addAll(answer.leases());
				this.drained = answer.drained();
			}
			catch (DispatchException ex) {
				try {
					this.sleeper.sleep(this.recovery.onFailure(ex));
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
		return !this.taken.isEmpty();
	}

}
