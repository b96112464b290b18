package dev.dispatch.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A consumer loop: runs a {@link JobHandler} for each job of one queue, with up to
 * {@code concurrency} jobs at a time, and does what every consumer must get right.
 *
 * <ul>
 * <li>It asks for jobs only when a slot is free, and for as many as are free (one long
 * poll at a time), settling what finished in the same request ({@code settle?take=N}).
 * While handlers run, a round first waits up to {@code takeLinger} for more of them to
 * end, so that quick handlers are fed several jobs a request rather than one.</li>
 * <li>With {@code prefetch} set, it takes up to that many jobs beyond its free slots;
 * they wait in the loop, their leases counting, and each starts as soon as a slot frees.
 * One that has waited a third of its lease without a slot is released (back to the head
 * of the queue, its attempt not counted).</li>
 * <li>While a handler runs, its lease is extended every third of its length.</li>
 * <li>A handler that returns acks its job; one that throws nacks it, to be tried again
 * after an exponential backoff with jitter (by attempt), or dead-lettered after its last
 * attempt.</li>
 * <li>A settlement that finishes while a long poll is out is sent on its own after
 * {@code settleLinger}, together with any others by then.</li>
 * <li>Failures: a queue that does not exist yet is waited for (said once); an
 * unreachable, busy or backend-less service is asked again after its {@code Retry-After}
 * or a growing backoff with jitter; {@code 401} and {@code 403} stop the loop at once,
 * with the error in {@link #done()}.</li>
 * </ul>
 *
 * <table>
 * <caption>How the loop ends</caption>
 * <tr>
 * <th>cause</th>
 * <th>what happens</th>
 * <th>{@link #done()}</th>
 * </tr>
 * <tr>
 * <td>the queue is closed and drained</td>
 * <td>nothing is held (drained means every lease is settled); the loop stops</td>
 * <td>completes normally</td>
 * </tr>
 * <tr>
 * <td>{@link #close()}</td>
 * <td>no new take (a parked one is abandoned); running handlers get {@code shutdownGrace}
 * to finish and be settled; the leases still held then, and the prefetched jobs no
 * handler started, are released (back to the head of the queue at once, their attempt not
 * counted) and the handlers interrupted</td>
 * <td>completes normally</td>
 * </tr>
 * <tr>
 * <td>a refusal ({@code 401}, {@code 403}) or a request the service will never take</td>
 * <td>as {@code close()}</td>
 * <td>completes with the {@link DispatchException}</td>
 * </tr>
 * </table>
 *
 * <p>
 * Thread-safe. Handlers run on virtual threads (or the builder's thread factory); a
 * handler's actions happen-before the settlement of its job.
 */
public final class DispatchConsumer implements AutoCloseable {

	/*-
	 * Design notes.
	 *
	 * Threads: one poller (a platform thread, for its long polls), a virtual thread per
	 * running handler, and one timer thread that only schedules (lease extensions, the
	 * settle linger) and hands each piece of work to a virtual thread, so no request ever
	 * runs on it.
	 *
	 * lock guards: state, free, waiting, pending, polling, flushScheduled, flushing, held.
	 * changed is signalled when a slot frees, a settlement is added, a handler finishes,
	 * a waiting job is released, or the state moves. Requests are never sent while
	 * holding lock: each step decides under the lock (what to send, how many to take),
	 * then sends.
	 *
	 * Life cycle, moved under lock:
	 *
	 *   NEW --start()--> RUNNING --close(), drained, refused--> STOPPING --finish()--> STOPPED
	 *
	 * Rounds: the poller waits for room (free slots, plus prefetch less the jobs waiting),
	 * then, while handlers still run or jobs wait, up to takeLinger for all of it (quick
	 * handlers end within it, and the take asks for all of it; slow ones cost a round at
	 * most takeLinger), then takes as many jobs as there is room. A taken job goes to a
	 * free slot, or else to waiting.
	 *
	 * Prefetch: a handler that ends takes the oldest waiting job on its own thread (the
	 * slot stays taken), or frees its slot. Every taken job's lease extension is scheduled
	 * when it is taken: when the first one comes due (a third of the lease) for a job
	 * still waiting, the job leaves waiting and its release joins pending.
	 *
	 * Settlements: a handler that ends adds its ack or nack to pending and frees its slot
	 * (or runs the next waiting job). The poller, woken by the free slot, sends pending
	 * with its next take. If a poll is already out (it may stay parked for pollWait), a
	 * flush is scheduled settleLinger later and sends whatever is pending then on its own. A failed settle request puts its
	 * settlements back at the head of pending: sent twice, an ack that had gone through
	 * answers lease-expired, which changes nothing.
	 *
	 * Shutdown (finish(), on the poller thread once its loop has ended): take the waiting
	 * jobs out (no handler will start them), wait up to shutdownGrace for held leases to
	 * be settled by their handlers; mark the rest abandoned (a handler ending later adds
	 * nothing), wait for flushes whose request is out (their answers are reported before
	 * done completes), send pending, release the abandoned and the waiting in one settle
	 * request, interrupt the abandoned's handlers, stop the timer, complete done.
	 */

	private static final System.Logger LOG = System.getLogger(DispatchConsumer.class.getName());

	private final DispatchClient client;

	private final String queue;

	private final JobHandler handler;

	private final int concurrency;

	private final int prefetch;

	private final Duration lease;

	private final Duration pollWait;

	private final Backoff nackBackoff;

	private final Duration shutdownGrace;

	private final Duration settleLinger;

	private final Duration takeLinger;

	private final Recovery recovery;

	private final SettleListener listener;

	private final ExecutorService workers;

	private final ScheduledExecutorService timer;

	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled on every change a waiter may care about. */
	private final Condition changed = this.lock.newCondition();

	/** Completes when the loop has stopped. */
	private final CompletableFuture<Void> done = new CompletableFuture<>();

	/** Why the loop stopped by itself, if it failed. */
	private final AtomicReference<DispatchException> failure = new AtomicReference<>();

	/** Guarded by lock. */
	private State state = State.NEW;

	/** Slots without a job. Guarded by lock. */
	private int free;

	/** Jobs taken ahead of free slots, oldest first. Guarded by lock. */
	private final Deque<HeldLease> waiting = new ArrayDeque<>();

	/** Settlements not yet sent, oldest first. Guarded by lock. */
	private final List<Outgoing> pending = new ArrayList<>();

	/** Whether the poller's request is out. Guarded by lock. */
	private boolean polling;

	/** Whether a flush of pending is scheduled. Guarded by lock. */
	private boolean flushScheduled;

	/**
	 * Flushes whose request is out; finish() waits for their answers. Guarded by lock.
	 */
	private int flushing;

	/** Leases whose handlers run, by lease id. Guarded by lock. */
	private final Map<String, HeldLease> held = new LinkedHashMap<>();

	/** Set by start(). */
	private Thread poller;

	DispatchConsumer(DispatchConsumerBuilder builder) {
		this.client = builder.client;
		this.queue = builder.queue;
		this.handler = builder.handler;
		this.concurrency = builder.concurrency;
		this.prefetch = builder.prefetch;
		this.lease = builder.lease;
		this.pollWait = builder.pollWait;
		this.nackBackoff = builder.nackBackoff;
		this.shutdownGrace = builder.shutdownGrace;
		this.settleLinger = builder.settleLinger;
		this.takeLinger = builder.takeLinger;
		this.recovery = new Recovery(builder.queue, builder.errorBackoff);
		this.listener = builder.listener;
		this.workers = Executors.newThreadPerTaskExecutor(builder.threadFactory);
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
				Thread.ofPlatform().daemon().name("dispatch-consumer-" + builder.queue + "-timer").factory());
		// a job's extension is cancelled when its handler ends, most often long before
		// it is due: gone from the timer's queue at once, not kept until then
		timer.setRemoveOnCancelPolicy(true);
		this.timer = timer;
		this.free = builder.concurrency;
	}

	/**
	 * Starts the loop.
	 * @return this
	 * @throws IllegalStateException if it was started before
	 */
	public DispatchConsumer start() {
		this.lock.lock();
		try {
			move(State.NEW, State.RUNNING);
			this.poller = Thread.ofPlatform().name("dispatch-consumer-" + this.queue).start(this::loop);
		}
		finally {
			this.lock.unlock();
		}
		return this;
	}

	/**
	 * Starts the loop and waits until it ends: the queue drained, {@link #close()} called
	 * from another thread, or a failure, which is thrown.
	 */
	public void run() throws InterruptedException {
		start();
		awaitTermination();
	}

	/**
	 * Completes when the loop has stopped; exceptionally with the failure that stopped
	 * it.
	 */
	public CompletableFuture<Void> done() {
		return this.done.copy();
	}

	/** Waits until the loop has stopped, and throws the failure that stopped it. */
	public void awaitTermination() throws InterruptedException {
		try {
			this.done.get();
		}
		catch (java.util.concurrent.ExecutionException ex) {
			throw (ex.getCause() instanceof DispatchException dispatch) ? dispatch
					: new IllegalStateException(ex.getCause());
		}
	}

	/** Whether the loop is taking jobs. */
	public boolean isRunning() {
		this.lock.lock();
		try {
			return this.state == State.RUNNING;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The queue it consumes. */
	public String queue() {
		return this.queue;
	}

	/**
	 * Stops the loop (see the class's table) and waits until it has stopped: at most the
	 * shutdown grace and the requests that settle and release what it held. Idempotent.
	 */
	@Override
	public void close() {
		Thread running;
		this.lock.lock();
		try {
			if (this.state == State.NEW) {
				this.state = State.STOPPED;
				this.done.complete(null);
				return;
			}
			if (this.state == State.RUNNING) {
				this.state = State.STOPPING;
				this.changed.signalAll();
			}
			running = this.poller;
			if (this.polling && running != Thread.currentThread()) {
				// abandons a parked poll: the service withdraws it when the connection
				// closes. Only while polling (cleared under this lock), so the interrupt
				// never lands in the requests that settle and release on the way out.
				running.interrupt();
			}
		}
		finally {
			this.lock.unlock();
		}
		if (running != Thread.currentThread()) {
			this.done.handle((ignored, failed) -> null).join();
		}
	}

	// ---- the poller

	private void loop() {
		try {
			while (true) {
				List<Outgoing> batch;
				int want;
				this.lock.lock();
				try {
					while (this.state == State.RUNNING && room() == 0) {
						this.changed.await();
					}
					long linger = this.takeLinger.toNanos();
					while (this.state == State.RUNNING && room() < this.concurrency + this.prefetch && linger > 0) {
						linger = this.changed.awaitNanos(linger);
					}
					if (this.state != State.RUNNING) {
						break;
					}
					batch = takePending();
					want = room();
					this.polling = true;
				}
				finally {
					this.lock.unlock();
				}
				if (!poll(batch, want)) {
					break;
				}
			}
		}
		catch (InterruptedException ex) {
			// close(): stop polling
		}
		catch (DispatchException ex) {
			this.failure.set(ex);
			LOG.log(Level.ERROR, "consumer of queue {0} stops: {1}", this.queue, ex.getMessage());
		}
		catch (RuntimeException | Error ex) {
			this.failure.set(new DispatchException(new DispatchException.Problem("consumer loop", this.queue,
					DispatchException.UNREACHABLE, "client-fault", ex.toString(), null), ex));
			LOG.log(Level.ERROR, "consumer of queue " + this.queue + " stops on a fault", ex);
		}
		finally {
			finish();
		}
	}

	/**
	 * One round: sends the settlements and takes up to {@code want} jobs.
	 * @return whether to go on
	 */
	private boolean poll(List<Outgoing> batch, int want) throws InterruptedException {
		Taken taken;
		TakeOptions options = new TakeOptions(want, this.pollWait, this.lease);
		try {
			if (this.client.takesInSettle() || batch.isEmpty()) {
				taken = this.client.settleAndTake(this.queue, settlements(batch), options);
			}
			else {
				// a service without settle-and-take: the settlements go first, on their
				// own
				report(batch, this.client.settle(this.queue, settlements(batch)));
				batch = List.of();
				taken = this.client.take(this.queue, options);
			}
		}
		catch (DispatchException ex) {
			this.lock.lock();
			try {
				this.polling = false;
				this.pending.addAll(0, resent(batch));
				if (this.state != State.RUNNING) {
					return false;
				}
			}
			finally {
				this.lock.unlock();
			}
			pause(this.recovery.onFailure(ex));
			return true;
		}
		this.recovery.reset();
		report(batch, taken.settled());
		Instant takenAt = Instant.now();
		List<HeldLease> jobs = new ArrayList<>();
		for (Lease lease : taken.leases()) {
			HeldLease job = new HeldLease(lease, takenAt, this.lease, this.timer, this.workers, this.client, this.queue,
					this::releaseIfWaiting);
			// before any handler may run it (and cancel the extension when it ends)
			job.scheduleExtension();
			jobs.add(job);
		}
		List<HeldLease> started = new ArrayList<>();
		this.lock.lock();
		try {
			this.polling = false;
			for (HeldLease job : jobs) {
				if (this.free > 0) {
					this.held.put(job.leaseId(), job);
					this.free--;
					started.add(job);
				}
				else {
					this.waiting.add(job);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		for (HeldLease job : started) {
			this.workers.execute(() -> work(job));
		}
		if (taken.drained()) {
			LOG.log(Level.INFO, "queue {0} is closed and drained; the consumer stops", this.queue);
			return false;
		}
		return true;
	}

	/**
	 * Jobs the next take may ask for: free slots, and prefetch less the jobs waiting.
	 * Call only when holding lock.
	 */
	private int room() {
		assert this.lock.isHeldByCurrentThread();
		return this.free + this.prefetch - this.waiting.size();
	}

	/** Waits before asking again; woken early by close(). */
	private void pause(Duration wait) throws InterruptedException {
		long nanos = wait.toNanos();
		this.lock.lock();
		try {
			while (this.state == State.RUNNING && nanos > 0) {
				nanos = this.changed.awaitNanos(nanos);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	// ---- handlers

	/** Runs the job's handler, then the waiting jobs' the slot takes on. */
	private void work(HeldLease first) {
		for (HeldLease job = first; job != null;) {
			job = finished(job, handle(job));
		}
	}

	/** Runs the job's handler; the settlement to send, if any. */
	private Outgoing handle(HeldLease job) {
		job.runner = Thread.currentThread();
		Throwable failed = null;
		try {
			this.handler.handle(job);
		}
		catch (Throwable ex) {
			failed = ex;
		}
		job.cancelExtension();
		Outgoing settlement = null;
		if (!job.settledByHandler) {
			if (failed == null) {
				settlement = new Outgoing(Settlement.ack(job.leaseId()), job.job(), false);
			}
			else {
				Duration delay = this.nackBackoff.delay(job.job().attempt());
				settlement = new Outgoing(Settlement.nack(job.leaseId(), delay), job.job(), false);
				LOG.log(Level.WARNING,
						"job " + job.job().id() + " of queue " + this.queue + " failed on attempt "
								+ job.job().attempt() + "; nacked, to be tried again in " + delay.toMillis() + " ms",
						failed);
			}
		}
		else if (failed != null) {
			LOG.log(Level.WARNING,
					"job " + job.job().id() + " of queue " + this.queue + " failed after its handler settled it",
					failed);
		}
		return settlement;
	}

	/**
	 * Records the end of a job's handler and its settlement.
	 * @return the waiting job its slot takes on (its thread runs it next), or null when
	 * the slot is free
	 */
	private HeldLease finished(HeldLease job, Outgoing settlement) {
		boolean schedule = false;
		HeldLease next;
		this.lock.lock();
		try {
			this.held.remove(job.leaseId());
			if (settlement != null && !job.abandoned) {
				schedule = addPending(settlement);
			}
			next = (this.state == State.RUNNING) ? this.waiting.poll() : null;
			if (next != null) {
				this.held.put(next.leaseId(), next);
			}
			else {
				this.free++;
			}
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		if (schedule) {
			scheduleFlush(this.settleLinger);
		}
		return next;
	}

	/**
	 * Releases a job that waited for a slot as long as a third of its lease: another
	 * consumer may run it sooner.
	 * @return false when it is not waiting (a handler runs it)
	 */
	private boolean releaseIfWaiting(HeldLease job) {
		boolean schedule;
		this.lock.lock();
		try {
			if (!this.waiting.remove(job)) {
				return false;
			}
			schedule = addPending(new Outgoing(Settlement.release(job.leaseId()), job.job(), false));
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		job.cancelExtension();
		LOG.log(Level.DEBUG, "queue {0}: job {1} waited a third of its lease for a slot; released", this.queue,
				job.job().id());
		if (schedule) {
			scheduleFlush(this.settleLinger);
		}
		return true;
	}

	/**
	 * Adds a settlement to pending; whether the caller must schedule a flush (the poller
	 * will not carry it soon). Call only when holding lock.
	 */
	private boolean addPending(Outgoing settlement) {
		assert this.lock.isHeldByCurrentThread();
		this.pending.add(settlement);
		if ((this.polling || this.state != State.RUNNING) && !this.flushScheduled) {
			this.flushScheduled = true;
			return true;
		}
		return false;
	}

	private void scheduleFlush(Duration after) {
		try {
			this.timer.schedule(() -> this.workers.execute(this::flush), after.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// stopped: finish() sends what is pending
		}
	}

	/** Sends what is pending on its own, unless the poller is about to carry it. */
	private void flush() {
		List<Outgoing> batch;
		this.lock.lock();
		try {
			this.flushScheduled = false;
			if (this.pending.isEmpty() || (!this.polling && this.state == State.RUNNING)) {
				return;
			}
			batch = takePending();
			this.flushing++;
		}
		finally {
			this.lock.unlock();
		}
		try {
			report(batch, this.client.settle(this.queue, settlements(batch)));
		}
		catch (DispatchException ex) {
			boolean again;
			this.lock.lock();
			try {
				this.pending.addAll(0, resent(batch));
				again = ex.isRetryable() && !this.flushScheduled;
				this.flushScheduled |= again;
			}
			finally {
				this.lock.unlock();
			}
			LOG.log(Level.WARNING, "could not settle {0} leases: {1}", batch.size(), ex.getMessage());
			if (again) {
				scheduleFlush(Duration.ofSeconds(1));
			}
		}
		finally {
			this.lock.lock();
			try {
				this.flushing--;
				this.changed.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	/** Call only when holding lock. */
	private List<Outgoing> takePending() {
		assert this.lock.isHeldByCurrentThread();
		List<Outgoing> batch = List
			.copyOf(this.pending.subList(0, Math.min(this.pending.size(), TakeOptions.MAX_JOBS)));
		this.pending.subList(0, batch.size()).clear();
		return batch;
	}

	private static List<Outgoing> resent(List<Outgoing> batch) {
		return batch.stream().map((out) -> new Outgoing(out.settlement(), out.job(), true)).toList();
	}

	private static List<Settlement> settlements(List<Outgoing> batch) {
		return batch.stream().map(Outgoing::settlement).toList();
	}

	private void report(List<Outgoing> batch, List<SettleResult> results) {
		for (int i = 0; i < results.size(); i++) {
			SettleResult result = results.get(i);
			this.listener.settled(batch.get(i).job(), result.settlement().action(), result.done());
			if (!result.done() && batch.get(i).resent()) {
				LOG.log(Level.DEBUG,
						"queue {0}: the {1} of lease {2}, sent again, found it settled (by the first"
								+ " try, most likely)",
						this.queue, result.settlement().action(), result.settlement().leaseId());
			}
			else if (!result.done()) {
				LOG.log(Level.WARNING,
						"queue {0}: the {1} of lease {2} came too late (lease-expired); the job will be"
								+ " delivered again",
						this.queue, result.settlement().action(), result.settlement().leaseId());
			}
		}
	}

	// ---- shutdown

	private void finish() {
		// a close() during the last poll may have left its interrupt
		Thread.interrupted();
		boolean interrupted = false;
		List<HeldLease> abandoned;
		List<HeldLease> unstarted = List.of();
		this.lock.lock();
		try {
			if (this.state == State.RUNNING) {
				this.state = State.STOPPING;
			}
			// jobs still waiting for a slot are released with the abandoned, at once
			unstarted = List.copyOf(this.waiting);
			this.waiting.clear();
			long nanos = this.shutdownGrace.toNanos();
			while (!this.held.isEmpty() && nanos > 0) {
				nanos = this.changed.awaitNanos(nanos);
			}
			abandoned = abandon(unstarted);
			// a flush's request may be out: its settlements are reported before done
			// completes
			while (this.flushing > 0) {
				this.changed.await();
			}
		}
		catch (InterruptedException ex) {
			abandoned = abandon(unstarted);
			// kept for the end: interrupted, the releases below would not be sent
			interrupted = true;
		}
		finally {
			this.lock.unlock();
		}
		abandoned.forEach(HeldLease::cancelExtension);
		this.timer.shutdownNow();
		sendRemaining(abandoned);
		abandoned.forEach((job) -> {
			if (job.runner != null) {
				job.runner.interrupt();
			}
		});
		this.workers.shutdown();
		this.lock.lock();
		try {
			this.state = State.STOPPED;
		}
		finally {
			this.lock.unlock();
		}
		DispatchException failed = this.failure.get();
		if (failed != null) {
			this.done.completeExceptionally(failed);
		}
		else {
			this.done.complete(null);
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The leases held now, marked abandoned (a handler ending later adds nothing),
	 * followed by {@code unstarted}. Call only when holding lock.
	 */
	private List<HeldLease> abandon(List<HeldLease> unstarted) {
		assert this.lock.isHeldByCurrentThread();
		List<HeldLease> abandoned = new ArrayList<>(this.held.values());
		abandoned.forEach((job) -> job.abandoned = true);
		abandoned.addAll(unstarted);
		return abandoned;
	}

	/** Sends what is pending, then releases the abandoned leases, last first. */
	private void sendRemaining(List<HeldLease> abandoned) {
		List<Outgoing> last = new ArrayList<>();
		this.lock.lock();
		try {
			last.addAll(this.pending);
			this.pending.clear();
		}
		finally {
			this.lock.unlock();
		}
		for (int i = abandoned.size() - 1; i >= 0; i--) {
			last.add(new Outgoing(Settlement.release(abandoned.get(i).leaseId()), abandoned.get(i).job(), false));
		}
		for (int from = 0; from < last.size(); from += TakeOptions.MAX_JOBS) {
			List<Outgoing> batch = last.subList(from, Math.min(last.size(), from + TakeOptions.MAX_JOBS));
			try {
				report(batch, this.client.settle(this.queue, settlements(batch)));
			}
			catch (DispatchException ex) {
				LOG.log(Level.WARNING, "could not settle or release {0} leases while stopping ({1}); their jobs come"
						+ " back when their leases end", batch.size(), ex.getMessage());
			}
		}
		long running = abandoned.stream().filter((job) -> job.runner != null).count();
		if (running > 0) {
			LOG.log(Level.INFO, "queue {0}: released {1} jobs still running after the shutdown grace", this.queue,
					running);
		}
		if (abandoned.size() > running) {
			LOG.log(Level.DEBUG, "queue {0}: released {1} jobs taken ahead that no handler had started", this.queue,
					abandoned.size() - running);
		}
	}

	/** Call only when holding lock. */
	private void move(State from, State to) {
		assert this.lock.isHeldByCurrentThread();
		if (this.state != from) {
			throw new IllegalStateException("consumer of queue " + this.queue + " is " + this.state + ", not " + from);
		}
		this.state = to;
	}

	/**
	 * A settlement to send, the job it settles, and whether it is sent again after a
	 * request that got no answer (the first may have been carried out: then this one
	 * finds the lease settled already).
	 */
	private record Outgoing(Settlement settlement, Job job, boolean resent) {
	}

	private enum State {

		NEW, RUNNING, STOPPING, STOPPED

	}

}
