package dev.dispatch.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Settings of a {@link DispatchConsumer}, from {@link DispatchClient#consumer}: each has
 * a default that suits most; {@link #start()} starts the loop.
 */
public final class DispatchConsumerBuilder {

	final DispatchClient client;

	final String queue;

	final JobHandler handler;

	int concurrency = 1;

	int prefetch;

	Duration lease;

	Duration pollWait = Duration.ofSeconds(20);

	Backoff nackBackoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5));

	Backoff errorBackoff = Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(30));

	Duration shutdownGrace = Duration.ofSeconds(30);

	Duration settleLinger = Duration.ofMillis(20);

	Duration takeLinger = Duration.ofMillis(1);

	ThreadFactory threadFactory;

	SettleListener listener = SettleListener.NONE;

	DispatchConsumerBuilder(DispatchClient client, String queue, JobHandler handler) {
		this.client = client;
		this.queue = Objects.requireNonNull(queue, "queue");
		this.handler = Objects.requireNonNull(handler, "handler");
		this.threadFactory = Thread.ofVirtual().name("dispatch-" + queue + "-", 1).factory();
	}

	/** Jobs handled at once, 1 to 100 (default 1). */
	public DispatchConsumerBuilder concurrency(int concurrency) {
		if (concurrency < 1 || concurrency > TakeOptions.MAX_JOBS) {
			throw new IllegalArgumentException("concurrency must be 1 to " + TakeOptions.MAX_JOBS + ": " + concurrency);
		}
		this.concurrency = concurrency;
		return this;
	}

	/**
	 * Jobs taken ahead of the free slots, 0 to 99, with {@code concurrency} at most 100
	 * (default 0). They wait in the loop for a slot, their leases counting; one that
	 * waits a third of its lease is released (back to the head of the queue, its attempt
	 * not counted). For quick handlers: fewer, larger takes. With slow ones, prefetched
	 * jobs wait here while another consumer could run them.
	 */
	public DispatchConsumerBuilder prefetch(int prefetch) {
		if (prefetch < 0 || prefetch > TakeOptions.MAX_JOBS - 1) {
			throw new IllegalArgumentException("prefetch must be 0 to " + (TakeOptions.MAX_JOBS - 1) + ": " + prefetch);
		}
		this.prefetch = prefetch;
		return this;
	}

	/** How long each take holds its jobs (default: the queue's lease timeout). */
	public DispatchConsumerBuilder lease(Duration lease) {
		if (lease != null && (lease.isNegative() || lease.isZero())) {
			throw new IllegalArgumentException("lease must be longer than zero: " + lease);
		}
		this.lease = lease;
		return this;
	}

	/** How long one long poll waits for jobs (default 20 s). */
	public DispatchConsumerBuilder pollWait(Duration pollWait) {
		this.pollWait = Objects.requireNonNull(pollWait, "pollWait");
		return this;
	}

	/**
	 * The delay of a failed job's nack, by attempt (default 1 s doubling to 5 min).
	 */
	public DispatchConsumerBuilder nackBackoff(Backoff nackBackoff) {
		this.nackBackoff = Objects.requireNonNull(nackBackoff, "nackBackoff");
		return this;
	}

	/**
	 * The wait after failed requests when the service sent no {@code Retry-After}
	 * (default 0.5 s doubling to 30 s).
	 */
	public DispatchConsumerBuilder errorBackoff(Backoff errorBackoff) {
		this.errorBackoff = Objects.requireNonNull(errorBackoff, "errorBackoff");
		return this;
	}

	/** How long {@code close()} waits for running handlers (default 30 s). */
	public DispatchConsumerBuilder shutdownGrace(Duration shutdownGrace) {
		this.shutdownGrace = Objects.requireNonNull(shutdownGrace, "shutdownGrace");
		return this;
	}

	/**
	 * How long a finished job's settlement waits for the next take to carry it, while a
	 * long poll is out, before it is sent on its own (default 20 ms).
	 */
	public DispatchConsumerBuilder settleLinger(Duration settleLinger) {
		this.settleLinger = Objects.requireNonNull(settleLinger, "settleLinger");
		return this;
	}

	/**
	 * How long a round waits, once a slot is free but handlers still run, for the others
	 * to end too, so that one take asks for several jobs (default 1 ms). Quick handlers
	 * then cost a request per several jobs instead of one each; a slow one delays its
	 * free slot's next job by at most this. Zero: take as soon as a slot is free.
	 */
	public DispatchConsumerBuilder takeLinger(Duration takeLinger) {
		Objects.requireNonNull(takeLinger, "takeLinger");
		if (takeLinger.isNegative()) {
			throw new IllegalArgumentException("takeLinger must not be negative: " + takeLinger);
		}
		this.takeLinger = takeLinger;
		return this;
	}

	/** Where handlers run (default: a virtual thread per job). */
	public DispatchConsumerBuilder threadFactory(ThreadFactory threadFactory) {
		this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
		return this;
	}

	/** Told what became of each settlement the loop sent (default: nothing). */
	public DispatchConsumerBuilder settleListener(SettleListener listener) {
		this.listener = Objects.requireNonNull(listener, "listener");
		return this;
	}

	/** The loop, not started. */
	public DispatchConsumer build() {
		if (this.concurrency + this.prefetch > TakeOptions.MAX_JOBS) {
			throw new IllegalArgumentException("concurrency (" + this.concurrency + ") and prefetch (" + this.prefetch
					+ ") take at most " + TakeOptions.MAX_JOBS + " jobs at once");
		}
		return new DispatchConsumer(this);
	}

	/** The loop, started. */
	public DispatchConsumer start() {
		return build().start();
	}

}
