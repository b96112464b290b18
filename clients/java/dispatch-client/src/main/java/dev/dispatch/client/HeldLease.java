package dev.dispatch.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A lease a {@link DispatchConsumer} took: the handler's {@link Lease}, extended every
 * third of its length while it is held. The consumer's lock guards {@link #abandoned}.
 */
final class HeldLease implements Lease {

	private static final System.Logger LOG = System.getLogger(DispatchConsumer.class.getName());

	private final Lease taken;

	/**
	 * The lease's length, as granted: the extension's length and a third its period.
	 */
	private final Duration length;

	private final ScheduledExecutorService timer;

	private final Executor workers;

	private final DispatchClient client;

	private final String queue;

	/**
	 * The consumer's step at each extension: whether it released the job instead (one
	 * still waiting for a slot).
	 */
	private final Predicate<HeldLease> releaseIfWaiting;

	private volatile Instant expiresAt;

	/** Whether the handler settled the lease itself. */
	volatile boolean settledByHandler;

	/**
	 * Released at shutdown: its handler's ending adds nothing. Guarded by the consumer's
	 * lock.
	 */
	boolean abandoned;

	volatile Thread runner;

	private volatile ScheduledFuture<?> extension;

	/**
	 * @param taken the lease as taken
	 * @param takenAt when
	 * @param lease the length the consumer asks for, or {@code null} for the queue's
	 * @param timer runs the extensions
	 * @param workers where an extension's request is sent from
	 * @param client sends them
	 * @param queue the lease's queue
	 * @param releaseIfWaiting the consumer's step at each extension
	 */
	HeldLease(Lease taken, Instant takenAt, Duration lease, ScheduledExecutorService timer, Executor workers,
			DispatchClient client, String queue, Predicate<HeldLease> releaseIfWaiting) {
		this.taken = taken;
		this.expiresAt = taken.expiresAt();
		Duration granted = (lease != null) ? lease : Duration.between(takenAt, taken.expiresAt());
		this.length = granted.isNegative() || granted.isZero() ? Duration.ofSeconds(1) : granted;
		this.timer = timer;
		this.workers = workers;
		this.client = client;
		this.queue = queue;
		this.releaseIfWaiting = releaseIfWaiting;
	}

	void scheduleExtension() {
		long period = Math.max(1, this.length.toMillis() / 3);
		try {
			this.extension = this.timer.scheduleAtFixedRate(() -> this.workers.execute(this::extendNow), period, period,
					TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping: the lease is released or settled shortly
		}
	}

	void cancelExtension() {
		ScheduledFuture<?> scheduled = this.extension;
		if (scheduled != null) {
			scheduled.cancel(false);
		}
	}

	private void extendNow() {
		if (this.settledByHandler || this.releaseIfWaiting.test(this)) {
			return;
		}
		try {
			this.expiresAt = this.client.extend(this.queue, leaseId(), this.length);
		}
		catch (LeaseExpiredException ex) {
			cancelExtension();
			LOG.log(Level.WARNING, "queue {0}: the lease of job {1} was lost before its handler ended; the job"
					+ " will be delivered again", this.queue, job().id());
		}
		catch (DispatchException ex) {
			LOG.log(Level.DEBUG, "could not extend a lease (trying again at the next third): {0}", ex.getMessage());
		}
	}

	@Override
	public Job job() {
		return this.taken.job();
	}

	@Override
	public String leaseId() {
		return this.taken.leaseId();
	}

	@Override
	public Instant expiresAt() {
		return this.expiresAt;
	}

	@Override
	public void ack() {
		settle().ack();
	}

	@Override
	public void nack(Duration delay) {
		settle().nack(delay);
	}

	@Override
	public Instant extend(Duration by) {
		this.expiresAt = this.taken.extend(by);
		return this.expiresAt;
	}

	@Override
	public void release() {
		settle().release();
	}

	private Lease settle() {
		if (this.settledByHandler) {
			throw new IllegalStateException("the lease of " + job() + " is settled already");
		}
		this.settledByHandler = true;
		cancelExtension();
		return this.taken;
	}

}
