package dev.dispatch.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.RedisCommandExecutionException;
import io.netty.util.concurrent.FastThreadLocalThread;

import dev.dispatch.backend.redis.RedisScripts.Script;
import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.DeadLetter;
import dev.dispatch.queue.Delivery;
import dev.dispatch.queue.Ids;
import dev.dispatch.queue.JobInfo;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.NewJob;
import dev.dispatch.queue.Payload;
import dev.dispatch.queue.PutOptions;
import dev.dispatch.queue.PutOutcome;
import dev.dispatch.queue.QueueArguments;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueDeletedException;
import dev.dispatch.queue.QueueReplacedException;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueListener.WaitKind;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.Settle;
import dev.dispatch.queue.Settled;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.TakeOptions;
import dev.dispatch.queue.TakeOutcome;
import dev.dispatch.queue.TooManyQueuesException;
import dev.dispatch.queue.spi.Effects;
import dev.dispatch.queue.spi.Waiter;

/**
 * A {@link JobQueue} kept in Redis: it survives restarts of Dispatch and is shared by
 * every replica that uses the same Redis. Each replica parks its own requests.
 */
final class RedisJobQueue implements JobQueue, Waiter.Owner {

	/*-
	 * Design notes.
	 *
	 * The queue's jobs, leases and settings live in Redis; every change is one Lua script
	 * (RedisScripts), so each is atomic, and each takes the caller's clock (the injected
	 * Scheduler) as "now". A script first brings the queue up to now (delayed jobs that
	 * fell due, leases that ran out) and answers with the queue's state after it
	 * (ScriptReply.State).
	 *
	 * What lives here are the parked requests of this replica: puts, takes and joins,
	 * each a Waiter (queue.spi), in insertion-ordered sets guarded by lock, with the
	 * flags of the two pumps. A put or take is first tried at once ("fresh"). If the
	 * queue is full (empty) and the caller may wait, the waiter is marked parked, and
	 * only then does its wait's timer start, for what is left of the wait. Parked
	 * waiters are served by a pump, one attempt at a time, oldest first: so FIFO among
	 * parked requests is strict within one replica. A fresh request that finds parked
	 * ones of its kind here does not try at all: it joins the line (a keyed put first
	 * looks its key up, so a repeated key answers at once).
	 *
	 * Waking: every script's answer is fed to react(), which pumps parked takes when jobs
	 * are ready, parked puts when there is room, answers puts when the queue is closed,
	 * takes when it is drained and joins when nothing is unfinished, and schedules a
	 * sweep for the next lease expiry or delayed job. Scripts that change what a waiter
	 * could get publish on the queue's wake channel. A queue hears its channel while
	 * requests are parked here (and half a minute longer): the registry nudges it on
	 * such a message and every recheck period while requests are parked (pub/sub may
	 * lose messages); once its subscription is confirmed, it runs a snapshot, whose
	 * answer goes through react() (a message published before was not heard). A nudge
	 * that lands while an attempt is in flight is remembered in `wakes`: an attempt that
	 * finds nothing retries if a nudge came meanwhile, so no wake-up is lost between an
	 * attempt and its answer. Only the oldest parked take is tried or handed jobs (FIFO).
	 *
	 * Races with the caller: a waiter leaves WAITING exactly once, under the lock. A
	 * take withdrawn or timed out while its attempt is in flight is answered at once;
	 * jobs the attempt then receives are handed back (release, or restore for jobs
	 * settled at delivery), their attempt not counted. Withdrawing a put whose attempt is
	 * in flight first waits for that attempt's answer (bounded by the Redis timeout): an
	 * accepted put then cannot be withdrawn. Past the timeout, or on a Redis I/O thread,
	 * the put is withdrawn at once and an accepted job is retracted (by its lease if the
	 * same script handed it to a take here) unless a consumer already took it. A put
	 * whose wait elapses while in flight gets the attempt's true outcome.
	 *
	 * Completion order: answers from Redis arrive in the order the commands were sent
	 * on the one connection, and are handled as they arrive (decide under the lock,
	 * complete futures after). An answer whose script moved jobs to the dead-letter
	 * outbox is handled only once the jobs have reached their dead-letter queue, so that
	 * whoever sees the outcome finds them there; answers sent later may be handled
	 * before it, and a wake-up it carried then comes through react() or the recheck.
	 */

	private static final System.Logger log = System.getLogger(RedisJobQueue.class.getName());

	/**
	 * Rechecks with nothing parked before the wake channel is left (at the default period
	 * of a second, half a minute).
	 */
	private static final int QUIET_RECHECKS = 30;

	private final String name;

	private final RedisQueueRegistry registry;

	private final Scheduler scheduler;

	private final QueueListener listener;

	private final RedisQueueRegistry.Address address;

	/** The generation of the queue this object serves, made when it was created. */
	private final byte[] generation;

	private final ReentrantLock lock = new ReentrantLock();

	/** Puts not yet answered, oldest first. Guarded by lock. */
	private final LinkedHashSet<PutWaiter> putters = new LinkedHashSet<>();

	/** Takes not yet answered, oldest first. Guarded by lock. */
	private final LinkedHashSet<TakeWaiter> takers = new LinkedHashSet<>();

	/** Joins not yet answered. Guarded by lock. */
	private final LinkedHashSet<JoinWaiter> joiners = new LinkedHashSet<>();

	/** Puts in putters marked parked. Guarded by lock. */
	private int parkedPutters;

	/** Takes in takers marked parked. Guarded by lock. */
	private int parkedTakers;

	/** Whether the put pump has an attempt in flight. Guarded by lock. */
	private boolean pumpingPuts;

	/** Whether the take pump has an attempt in flight. Guarded by lock. */
	private boolean pumpingTakes;

	/** Nudges so far. Guarded by lock. */
	private long wakes;

	/** The timer of the next sweep. Guarded by lock. */
	private Scheduler.Cancellable sweep;

	/** When the next sweep is due (epoch ms). Guarded by lock. */
	private long sweepAt = Long.MAX_VALUE;

	/**
	 * The recheck timer while requests are parked or wake-ups heard, or null. Guarded by
	 * lock.
	 */
	private Scheduler.Cancellable recheck;

	/** Whether this queue hears its wake channel. Guarded by lock. */
	private boolean listening;

	/** Rechecks in a row that found nothing parked while listening. Guarded by lock. */
	private int quietRechecks;

	/** Set once a script found the queue gone. Guarded by lock. */
	private boolean deleted;

	/**
	 * Set with {@code deleted} when another replica deleted it: requests that reach this
	 * object afterwards are made again on the queue that has the name. Guarded by lock.
	 */
	private boolean deletedElsewhere;

	/**
	 * Set when this replica sends the queue's deletion: a script that then finds it gone
	 * does not take that for a deletion elsewhere. Guarded by lock.
	 */
	private boolean deletingHere;

	/** Set when the registry closes: no timer is started any more. Guarded by lock. */
	private boolean stopped;

	RedisJobQueue(String name, String generation, RedisQueueRegistry registry) {
		this.name = name;
		this.registry = registry;
		this.scheduler = registry.scheduler();
		this.listener = registry.listener();
		this.address = registry.addressOf(name);
		this.generation = bytes(generation);
	}

	@Override
	public String name() {
		return this.name;
	}

	String generation() {
		return new String(this.generation, StandardCharsets.UTF_8);
	}

	// ---- operations

	@Override
	public CompletableFuture<PutOutcome> put(Payload payload, PutOptions options) {
		Objects.requireNonNull(payload, "payload");
		Objects.requireNonNull(options, "options");
		return offer(new PutWaiter(this, this.scheduler.now(), payload, options, Ids.newJobId()));
	}

	@Override
	public CompletableFuture<PutOutcome> putAll(List<NewJob> jobs, Duration maxWait) {
		List<NewJob> all = List.copyOf(jobs);
		if (all.isEmpty()) {
			throw new IllegalArgumentException("a batch needs at least one job");
		}
		List<String> ids = new ArrayList<>(all.size());
		for (int i = 0; i < all.size(); i++) {
			ids.add(Ids.newJobId());
		}
		return offer(new PutWaiter(this, this.scheduler.now(), all, ids, PutOptions.waiting(maxWait)));
	}

	/**
	 * Tries a put at once, or has it join the line of parked ones; a batch is one put
	 * here, whose options carry no key and no delay (its jobs do).
	 */
	private CompletableFuture<PutOutcome> offer(PutWaiter putter) {
		PutOptions options = putter.options;
		Effects fx = new Effects(this.lock, this.name);
		boolean attempt = false;
		boolean lookUp = false;
		this.lock.lock();
		try {
			if (this.deleted && this.deletedElsewhere) {
				this.putters.add(putter);
				fx.add(() -> redirect(List.of(putter)));
			}
			else if (this.deleted) {
				reject(putter, new PutOutcome.Closed(), fx);
			}
			else if (this.parkedPutters > 0 && options.idempotencyKey() == null && options.maxWait().isZero()) {
				reject(putter, new PutOutcome.Full(), fx);
			}
			else {
				this.putters.add(putter);
				if (this.parkedPutters > 0) {
					markParked(putter);
					lookUp = options.idempotencyKey() != null;
				}
				else {
					// its wait's timer starts if the attempt finds the queue full
					putter.startAttempt();
					putter.future().startFirstTry();
					attempt = true;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		if (attempt) {
			sendPut(putter, false, false);
		}
		if (lookUp) {
			sendPut(putter, true, false);
		}
		return putter.future();
	}

	@Override
	public CompletableFuture<TakeOutcome> take(TakeOptions options) {
		Objects.requireNonNull(options, "options");
		TakeWaiter taker = new TakeWaiter(this, this.scheduler.now(), options);
		Effects fx = new Effects(this.lock, this.name);
		boolean attempt = false;
		this.lock.lock();
		try {
			if (this.deleted && this.deletedElsewhere) {
				this.takers.add(taker);
				fx.add(() -> redirect(List.of(taker)));
			}
			else if (this.deleted) {
				settleTake(taker, new TakeOutcome.Drained(), fx);
			}
			else if (this.parkedTakers > 0 && options.maxWait().isZero()) {
				settleTake(taker, new TakeOutcome.Empty(), fx);
			}
			else {
				this.takers.add(taker);
				if (this.parkedTakers > 0) {
					markParked(taker);
				}
				else {
					// its wait's timer starts if the attempt finds nothing
					taker.inFlight++;
					taker.future().startFirstTry();
					attempt = true;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		if (attempt) {
			sendTake(taker, false);
		}
		return taker.future();
	}

	@Override
	public CompletableFuture<Boolean> ack(String leaseId) {
		return settleOne(Settle.ack(leaseId)).thenApply(Settled::held);
	}

	@Override
	public CompletableFuture<Boolean> nack(String leaseId, Duration delay) {
		return settleOne(Settle.nack(leaseId, delay)).thenApply(Settled::held);
	}

	@Override
	public CompletableFuture<Optional<Instant>> extend(String leaseId, Duration by) {
		return settleOne(Settle.extend(leaseId, by))
			.thenApply((settled) -> Optional.ofNullable(settled.leaseExpiresAt()));
	}

	@Override
	public CompletableFuture<Boolean> release(String leaseId) {
		return settleOne(Settle.release(leaseId)).thenApply(Settled::held);
	}

	private CompletableFuture<Settled> settleOne(Settle settlement) {
		return settle(List.of(settlement)).thenApply(List::getFirst);
	}

	/**
	 * One settle script for the whole batch: each group is a lease, an action, its
	 * argument.
	 */
	@Override
	public CompletableFuture<List<Settled>> settle(List<Settle> settlements) {
		List<Settle> all = List.copyOf(settlements);
		if (all.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		byte[][] args = new byte[all.size() * 3][];
		for (int i = 0; i < all.size(); i++) {
			Settle settlement = all.get(i);
			args[i * 3] = bytes(settlement.leaseId());
			args[i * 3 + 1] = bytes(settlement.action().label());
			args[i * 3 + 2] = bytes((settlement.duration() != null) ? Long.toString(settlement.duration().toMillis())
					: (settlement.action() == Settle.Action.NACK) ? "0" : "");
		}
		return call(Script.SETTLE, args).thenApply((reply) -> {
			List<Settled> outcomes = new ArrayList<>(all.size());
			for (int i = 0; i < all.size(); i++) {
				// a queue deleted meanwhile holds no lease
				long value = reply.is("settled") ? reply.number(i) : -1;
				Settle.Action action = all.get(i).action();
				if (value < 0) {
					outcomes.add(Settled.NOT_HELD);
					continue;
				}
				switch (action) {
					case ACK -> this.listener.acked(this.name);
					case NACK -> this.listener.nacked(this.name);
					case RELEASE -> this.listener.released(this.name);
					case EXTEND -> {
					}
				}
				outcomes.add((action == Settle.Action.EXTEND) ? new Settled(true, Instant.ofEpochMilli(value))
						: Settled.DONE);
			}
			return outcomes;
		});
	}

	@Override
	public CompletableFuture<Integer> close(CloseMode mode) {
		Objects.requireNonNull(mode, "mode");
		return call(Script.CLOSE, bytes((mode == CloseMode.IMMEDIATE) ? "1" : "0"))
			.thenApply((reply) -> reply.is("closed") ? (int) reply.number(0) : 0);
	}

	@Override
	public CompletableFuture<Boolean> join(Duration wait) {
		QueueArguments.requireWait(wait);
		JoinWaiter joiner = new JoinWaiter(this, this.scheduler.now());
		Effects fx = new Effects(this.lock, this.name);
		this.lock.lock();
		try {
			if (this.deleted) {
				fx.fail(joiner, new QueueDeletedException(this.name));
			}
			else {
				this.joiners.add(joiner);
				if (wait.isPositive()) {
					joiner.deadline(this.scheduler.schedule(wait, () -> waitElapsed(joiner)));
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		if (!joiner.future().isDone()) {
			// react() answers the join if nothing is unfinished; a zero wait ends here
			call(Script.SNAPSHOT).whenComplete((reply, failure) -> {
				if (failure != null) {
					failJoin(joiner, RedisScripts.unwrap(failure));
				}
				else if (wait.isZero()) {
					answerJoin(joiner, false);
				}
			});
		}
		return joiner.future();
	}

	@Override
	public CompletableFuture<Void> configure(QueueConfig config) {
		Objects.requireNonNull(config, "config");
		return this.registry.define(this.name, config, generation(), false).handle((defined, failure) -> {
			if (failure != null) {
				throw unavailable(failure);
			}
			if (defined.generation() == null) {
				throw new QueueDeletedException(this.name);
			}
			return null;
		});
	}

	@Override
	public CompletableFuture<Boolean> pause() {
		return setPaused(true);
	}

	@Override
	public CompletableFuture<Boolean> resume() {
		return setPaused(false);
	}

	/** Resuming changes what parked takes could get: the script wakes every replica's. */
	private CompletableFuture<Boolean> setPaused(boolean pause) {
		return call(Script.PAUSE, bytes(pause ? "1" : "0")).thenApply((reply) -> {
			if (!reply.is("done")) {
				throw new QueueDeletedException(this.name); // through another replica
			}
			return reply.number(0) == 1;
		});
	}

	@Override
	public CompletableFuture<Integer> purge() {
		return call(Script.PURGE).thenApply((reply) -> {
			if (!reply.is("purged")) {
				throw new QueueDeletedException(this.name); // through another replica
			}
			int purged = (int) reply.number(0);
			if (purged > 0) {
				this.listener.discarded(this.name, purged);
			}
			return purged;
		});
	}

	@Override
	public CompletableFuture<List<JobInfo>> jobs(JobInfo.State state, String after, int limit) {
		Objects.requireNonNull(state, "state");
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, got " + limit);
		}
		return call(Script.JOBS, bytes(state.label()), bytes((after != null) ? after : ""),
				bytes(Integer.toString(limit)))
			.thenApply((reply) -> {
				if (!reply.is("jobs")) {
					throw new QueueDeletedException(this.name); // through another replica
				}
				List<JobInfo> jobs = new ArrayList<>();
				for (Object entry : reply.values()) {
					List<?> v = (List<?>) entry;
					long at = ScriptReply.number(v.get(4));
					String originQueue = ScriptReply.text(v.get(5));
					DeadLetter origin = (originQueue != null) ? new DeadLetter(originQueue,
							reason(ScriptReply.text(v.get(6))), (int) ScriptReply.number(v.get(7))) : null;
					jobs.add(new JobInfo(ScriptReply.text(v.get(0)), Payload.of((byte[]) v.get(1)), state,
							(int) ScriptReply.number(v.get(2)), Instant.ofEpochMilli(ScriptReply.number(v.get(3))),
							(state == JobInfo.State.DELAYED) ? Instant.ofEpochMilli(at) : null,
							(state == JobInfo.State.LEASED && at >= 0) ? Instant.ofEpochMilli(at) : null, origin));
				}
				return jobs;
			});
	}

	@Override
	public CompletableFuture<Optional<JobInfo>> job(String id) {
		Objects.requireNonNull(id, "id");
		return call(Script.JOB, bytes(id)).thenApply((reply) -> {
			if (reply.is("missing")) {
				throw new QueueDeletedException(this.name); // through another replica
			}
			if (!reply.is("job")) {
				return Optional.empty();
			}
			List<Object> v = reply.values();
			JobInfo.State state = JobInfo.State.valueOf(reply.text(0).toUpperCase(Locale.ROOT));
			long at = reply.number(4);
			String originQueue = ScriptReply.text(v.get(5));
			DeadLetter origin = (originQueue != null) ? new DeadLetter(originQueue, reason(ScriptReply.text(v.get(6))),
					(int) ScriptReply.number(v.get(7))) : null;
			return Optional.of(new JobInfo(id, Payload.of((byte[]) v.get(1)), state, (int) reply.number(2),
					Instant.ofEpochMilli(reply.number(3)),
					(state == JobInfo.State.DELAYED) ? Instant.ofEpochMilli(at) : null,
					(state == JobInfo.State.LEASED) ? Instant.ofEpochMilli(at) : null, origin));
		});
	}

	@Override
	public CompletableFuture<QueueSnapshot> snapshot() {
		return call(Script.SNAPSHOT).thenApply((reply) -> {
			this.lock.lock();
			try {
				if (!reply.is("state")) {
					throw new QueueDeletedException(this.name); // through another replica
				}
				String deadLetterQueue = reply.text(3);
				QueueConfig current = new QueueConfig((int) reply.number(0), Duration.ofMillis(reply.number(1)),
						(int) reply.number(2), deadLetterQueue.isEmpty() ? null : deadLetterQueue);
				long oldest = reply.number(4);
				ScriptReply.State state = reply.state();
				return new QueueSnapshot(this.name, current, (int) state.ready(), (int) state.delayed(),
						(int) state.inFlight(), this.putters.size(), this.takers.size(), state.closed(),
						reply.number(5) == 1, (oldest >= 0) ? Instant.ofEpochMilli(oldest) : null, state.paused());
			}
			finally {
				this.lock.unlock();
			}
		});
	}

	// ---- used by the registry

	/**
	 * Something may have changed in Redis for this queue's parked requests: try them.
	 */
	void nudge() {
		boolean takes;
		boolean puts;
		boolean joins;
		this.lock.lock();
		try {
			this.wakes++;
			takes = this.parkedTakers > 0;
			puts = this.parkedPutters > 0;
			joins = !this.joiners.isEmpty();
		}
		finally {
			this.lock.unlock();
		}
		if (takes) {
			pumpTakes();
		}
		if (puts) {
			pumpPuts();
		}
		if (joins) {
			call(Script.SNAPSHOT);
		}
	}

	/**
	 * The queue is gone: parked puts answer closed, takes drained, joins fail; timers are
	 * called off.
	 * @param elsewhere whether another replica deleted it (this one found a newer
	 * generation): puts and takes that have not parked are then made again on the queue
	 * that has the name now, see {@link #redirect}
	 */
	void deleted(boolean elsewhere) {
		Effects fx = new Effects(this.lock, this.name);
		this.lock.lock();
		try {
			markDeleted(elsewhere, fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
	}

	/**
	 * Looks at the queue's state and acts on it as on any script's answer: serves parked
	 * requests that could be served. For a wake-up that may have been missed, such as one
	 * published before this replica heard the channel; the pumps then run on the
	 * connection's thread, like after any other answer.
	 */
	void look() {
		call(Script.SNAPSHOT);
	}

	/** This replica is about to delete the queue. */
	void deleting() {
		this.lock.lock();
		try {
			this.deletingHere = true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Calls off this queue's timers for good and answers its parked requests: its
	 * registry is closing.
	 */
	void stop() {
		Effects fx = new Effects(this.lock, this.name);
		this.lock.lock();
		try {
			this.stopped = true;
			fx.cancel(this.sweep);
			fx.cancel(this.recheck);
			stopListening();
			// in-process callers (workers) are not left waiting: a take finds nothing, a
			// put and a join fail as when Redis cannot be reached
			for (PutWaiter putter : List.copyOf(this.putters)) {
				if (putter.isWaiting()) {
					forgetPutter(putter, fx);
					fx.fail(putter, closing());
				}
			}
			for (TakeWaiter taker : List.copyOf(this.takers)) {
				if (taker.isWaiting()) {
					forgetTaker(taker, fx);
					settleTake(taker, new TakeOutcome.Empty(), fx);
				}
			}
			for (JoinWaiter joiner : this.joiners) {
				fx.cancel(joiner.deadline());
				fx.fail(joiner, closing());
			}
			this.joiners.clear();
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
	}

	private BackendUnavailableException closing() {
		return new BackendUnavailableException("queue " + this.name + ": the service is shutting down", null);
	}

	/** Learns the state of the queue from a script run for it elsewhere. */
	void learn(ScriptReply.State state) {
		Effects fx = new Effects(this.lock, this.name);
		this.lock.lock();
		try {
			react(state, fx);
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
	}

	// ---- attempts

	/**
	 * Sends a put's attempt. If the oldest take parked here has no attempt in flight, the
	 * script hands it jobs at once: this one, or older ones another replica put; if it
	 * has one, no take is handed any (none may pass it). Else, if a take's first attempt
	 * is in flight (as a rule sent before on the same connection, so run before this
	 * script), it is handed jobs only if none are ready: under load that attempt mostly
	 * found some, and jobs a take receives twice go back, a settle script more each. Jobs
	 * for a take already answered are handed back.
	 */
	private void sendPut(PutWaiter putter, boolean lookUpOnly, boolean pumped) {
		if (putter.batch != null) {
			sendBatch(putter, pumped);
			return;
		}
		long wakesAtSend;
		TakeWaiter handTo = null;
		String handOff = "0";
		this.lock.lock();
		try {
			wakesAtSend = this.wakes;
			// a delayed job is never handed to a take: it waits in the queue
			if (!lookUpOnly && !putter.options.delayed()) {
				for (TakeWaiter taker : this.takers) {
					if (taker.parked) {
						// never past the oldest parked take (FIFO): if its attempt is in
						// flight, that attempt's answer comes first, and this put's
						// answer pumps it again
						if (taker.inFlight == 0) {
							handTo = taker;
							handOff = "1";
						}
						break;
					}
					if (handTo == null) {
						handTo = taker;
						handOff = "2";
					}
				}
				if (handTo != null) {
					handTo.inFlight++;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		String key = putter.options.idempotencyKey();
		List<byte[]> args = new ArrayList<>(
				List.of(bytes(putter.jobId), putter.payload.toByteArray(), bytes((key != null) ? key : ""),
						bytes(Long.toString(this.registry.dedupWindow().toMillis())), bytes(lookUpOnly ? "1" : "0"),
						bytes(handOff), bytes(Long.toString(delayMillis(putter.options.delay())))));
		if (handTo != null) {
			args.addAll(takeArguments(handTo.options));
		}
		TakeWaiter taker = handTo;
		runScript(Script.PUT, args.toArray(new byte[0][])).thenCompose((reply) -> reply.is("accepted")
				? this.registry.confirm(reply, this.address) : CompletableFuture.completedFuture(reply))
			.whenComplete((reply, failure) -> {
				onPut(putter, taker, lookUpOnly, pumped, wakesAtSend, reply, failure);
				putter.future().endFirstTry();
			});
	}

	/** Sends a batch's attempt: one script for all its jobs, never handed to a take. */
	private void sendBatch(PutWaiter putter, boolean pumped) {
		long wakesAtSend = wakesNow();
		byte[][] args = new byte[1 + putter.batch.size() * 4][];
		args[0] = bytes(Long.toString(this.registry.dedupWindow().toMillis()));
		for (int i = 0; i < putter.batch.size(); i++) {
			NewJob job = putter.batch.get(i);
			args[1 + i * 4] = bytes(putter.batchIds.get(i));
			args[2 + i * 4] = job.payload().toByteArray();
			args[3 + i * 4] = bytes((job.idempotencyKey() != null) ? job.idempotencyKey() : "");
			args[4 + i * 4] = bytes(Long.toString(delayMillis(job.delay())));
		}
		runScript(Script.PUT_ALL, args).thenCompose((reply) -> reply.is("accepted")
				? this.registry.confirm(reply, this.address) : CompletableFuture.completedFuture(reply))
			.whenComplete((reply, failure) -> {
				onPut(putter, null, false, pumped, wakesAtSend, reply, failure);
				putter.future().endFirstTry();
			});
	}

	/**
	 * A batch's outcome from its script's answer: one {id, enqueued ms, repeated} per
	 * job.
	 */
	private static PutOutcome.AcceptedAll acceptedAll(ScriptReply reply) {
		List<PutOutcome.Accepted> jobs = new ArrayList<>(reply.values().size());
		for (Object entry : reply.values()) {
			List<?> fields = (List<?>) entry;
			jobs.add(new PutOutcome.Accepted(ScriptReply.text(fields.get(0)),
					Instant.ofEpochMilli(ScriptReply.number(fields.get(1))), ScriptReply.number(fields.get(2)) == 1));
		}
		return new PutOutcome.AcceptedAll(jobs);
	}

	/** The ids of the jobs a put created: its own, or a batch's new ones. */
	private static List<String> created(PutWaiter putter, ScriptReply reply) {
		if (putter.batch == null) {
			return List.of(putter.jobId);
		}
		return acceptedAll(reply).jobs()
			.stream()
			.filter((job) -> !job.duplicate())
			.map(PutOutcome.Accepted::jobId)
			.toList();
	}

	private void onPut(PutWaiter putter, TakeWaiter handTo, boolean lookUpOnly, boolean pumped, long wakesAtSend,
			ScriptReply reply, Throwable failure) {
		Effects fx = new Effects(this.lock, this.name);
		boolean tryAgain = false;
		boolean retract = false;
		String retractLease = "";
		List<Delivery> handBack = null;
		CompletableFuture<Void> answered = null;
		this.lock.lock();
		try {
			if (!lookUpOnly) {
				putter.inFlight = false;
				answered = putter.attempt;
			}
			if (pumped) {
				this.pumpingPuts = false;
			}
			if (failure != null) {
				if (handTo != null) {
					handTo.inFlight--;
				}
				if (putter.isWaiting()) {
					forgetPutter(putter, fx);
					if (isOutOfMemory(failure)) {
						reject(putter, new PutOutcome.StorageFull(), fx);
					}
					else {
						fx.fail(putter, unavailable(failure));
					}
				}
			}
			else {
				switch (reply.status()) {
					case "accepted" -> {
						if (putter.isWaiting()) {
							forgetPutter(putter, fx);
							List<String> created = created(putter, reply);
							fx.add(() -> created.forEach((id) -> this.listener.enqueued(this.name)));
							settlePut(putter,
									(putter.batch != null) ? acceptedAll(reply) : new PutOutcome.Accepted(reply.text(0),
											Instant.ofEpochMilli(reply.number(1)), false),
									fx);
						}
						else {
							// withdrawn meanwhile; a keyed put stays: a retry may
							// already have been answered with its id
							retract = putter.batch != null || putter.options.idempotencyKey() == null;
						}
					}
					case "unconfirmed" -> {
						// in the primary, but not on as many replicas as asked within
						// the timeout
						if (putter.isWaiting()) {
							forgetPutter(putter, fx);
							List<String> created = created(putter, reply);
							fx.add(() -> created.forEach((id) -> this.listener.enqueued(this.name)));
							fx.fail(putter,
									new BackendUnavailableException("jobs " + created
											+ " are in Redis but fewer replicas than asked for confirmed them in time",
											null));
						}
						else {
							// withdrawn meanwhile; a keyed put stays: a retry may
							// already have been answered with its id
							retract = putter.batch != null || putter.options.idempotencyKey() == null;
						}
					}
					case "duplicate" -> {
						if (putter.isWaiting()) {
							forgetPutter(putter, fx);
							settlePut(putter,
									new PutOutcome.Accepted(reply.text(0), Instant.ofEpochMilli(reply.number(1)), true),
									fx);
						}
					}
					case "unknown-key" -> {
						if (putter.isWaiting() && putter.options.maxWait().isZero() && !putter.inFlight) {
							forgetPutter(putter, fx);
							reject(putter, new PutOutcome.Full(), fx);
						}
					}
					case "closed" -> {
						if (putter.isWaiting()) {
							forgetPutter(putter, fx);
							reject(putter, new PutOutcome.Closed(), fx);
						}
					}
					case "too-big" -> {
						// a batch with more new jobs than the capacity: it could never
						// fit
						if (putter.isWaiting()) {
							forgetPutter(putter, fx);
							reject(putter, new PutOutcome.Full(true), fx);
						}
					}
					case "full" -> {
						if (putter.isWaiting()) {
							if (putter.options.maxWait().isZero() || putter.expired || !hasTimeLeft(putter)) {
								forgetPutter(putter, fx);
								reject(putter, new PutOutcome.Full(), fx);
							}
							else {
								if (putter.batch != null) {
									putter.needed = (int) reply.number(0);
								}
								markParked(putter);
								// a wake-up came while the attempt was in flight
								tryAgain = this.wakes != wakesAtSend;
							}
						}
					}
					case "missing" -> {
						markDeleted(true, fx);
						redirectIfFresh(putter, putter.isWaiting() && !putter.parked, fx);
					}
					default -> throw new IllegalStateException("put answered " + reply.status());
				}
				if (handTo != null) {
					handTo.inFlight--;
					if (handTo.parked && this.wakes != wakesAtSend) {
						// a wake-up came while the hand-off was in flight: the take
						// pump skipped it
						fx.add(this::pumpTakes);
					}
					List<Delivery> handed = (reply.is("accepted") || reply.is("unconfirmed")) ? deliveries(reply, 2)
							: List.of();
					if (retract) {
						// the withdrawn put's own job, if leased to the take, never
						// reaches it; one settled at delivery is gone already, so it is
						// delivered (accepted after all)
						Delivery own = handed.stream()
							.filter((delivery) -> delivery.jobId().equals(putter.jobId) && delivery.leaseId() != null)
							.findFirst()
							.orElse(null);
						if (own != null) {
							handed = handed.stream().filter((delivery) -> delivery != own).toList();
							retractLease = own.leaseId();
						}
					}
					if (!handed.isEmpty() && handTo.isWaiting()) {
						forgetTaker(handTo, fx);
						deliver(handTo, handed, fx);
					}
					else if (!handed.isEmpty()) {
						handBack = handed;
					}
				}
				react(reply.state(), fx);
			}
			// after a failure the recheck tries again: pumping on at once would fail
			// every parked request in turn, and recurse (a refused command fails
			// synchronously)
			boolean progress = failure == null && !this.putters.contains(putter);
			if (((pumped && progress) || tryAgain) && !this.deleted) {
				fx.add(this::pumpPuts);
			}
		}
		finally {
			this.lock.unlock();
		}
		if (answered != null) {
			// a withdrawal waiting for this answer may go on
			answered.complete(null);
		}
		fx.run();
		if (retract) {
			retract(putter, reply, retractLease);
		}
		if (handBack != null) {
			handBack(handBack);
		}
	}

	/**
	 * Takes back what a put withdrawn while its attempt was in flight created, unless a
	 * consumer took it already: its job (a put without a key), or a batch's new jobs
	 * without keys, one script each. Jobs with an idempotency key stay: a retry may
	 * already have been answered with their ids.
	 */
	private void retract(PutWaiter putter, ScriptReply reply, String lease) {
		List<String> ids = new ArrayList<>();
		if (putter.batch == null) {
			ids.add(putter.jobId);
		}
		else {
			List<PutOutcome.Accepted> jobs = acceptedAll(reply).jobs();
			for (int i = 0; i < jobs.size(); i++) {
				if (!jobs.get(i).duplicate() && putter.batch.get(i).idempotencyKey() == null) {
					ids.add(jobs.get(i).jobId());
				}
			}
		}
		for (String id : ids) {
			call(Script.RETRACT, bytes(id), bytes(""), bytes(lease)).exceptionally((failed) -> {
				log.log(System.Logger.Level.WARNING, "queue " + this.name + ": job " + id
						+ " of a withdrawn put could not be retracted and stays accepted", failed);
				return null;
			});
		}
	}

	/** The count of nudges so far: an attempt that finds nothing retries if it grew. */
	private long wakesNow() {
		this.lock.lock();
		try {
			return this.wakes;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void sendTake(TakeWaiter taker, boolean pumped) {
		long wakesAtSend = wakesNow();
		runScript(Script.TAKE, takeArguments(taker.options).toArray(new byte[0][])).whenComplete((reply, failure) -> {
			onTake(taker, pumped, wakesAtSend, reply, failure);
			taker.future().endFirstTry();
		});
	}

	/** A take's arguments to a script: max, lease, auto-ack, then a lease id per job. */
	private static List<byte[]> takeArguments(TakeOptions options) {
		List<byte[]> args = new ArrayList<>(3 + options.max());
		args.add(bytes(Integer.toString(options.max())));
		args.add(bytes((options.lease() != null) ? Long.toString(options.lease().toMillis()) : ""));
		args.add(bytes(options.autoAck() ? "1" : "0"));
		if (!options.autoAck()) {
			for (int i = 0; i < options.max(); i++) {
				args.add(bytes(Ids.newLeaseId()));
			}
		}
		return args;
	}

	private void onTake(TakeWaiter taker, boolean pumped, long wakesAtSend, ScriptReply reply, Throwable failure) {
		Effects fx = new Effects(this.lock, this.name);
		boolean tryAgain = false;
		List<Delivery> handBack = null;
		this.lock.lock();
		try {
			taker.inFlight--;
			if (pumped) {
				this.pumpingTakes = false;
			}
			if (failure != null) {
				if (taker.isWaiting()) {
					forgetTaker(taker, fx);
					fx.fail(taker, unavailable(failure));
				}
			}
			else {
				switch (reply.status()) {
					case "delivered" -> {
						List<Delivery> deliveries = deliveries(reply, 0);
						if (taker.isWaiting()) {
							forgetTaker(taker, fx);
							deliver(taker, deliveries, fx);
						}
						else {
							handBack = deliveries;
						}
					}
					case "empty" -> {
						if (taker.isWaiting()) {
							if (taker.options.maxWait().isZero() || !hasTimeLeft(taker)) {
								forgetTaker(taker, fx);
								settleTake(taker, new TakeOutcome.Empty(), fx);
							}
							else {
								markParked(taker);
								// a wake-up came while the attempt was in flight
								tryAgain = this.wakes != wakesAtSend;
								if (oldestParkedPutCanHandOff()) {
									// a parked put may now hand its job straight to
									// this take
									fx.add(this::pumpPuts);
								}
							}
						}
					}
					case "drained" -> {
						if (taker.isWaiting()) {
							forgetTaker(taker, fx);
							settleTake(taker, new TakeOutcome.Drained(), fx);
						}
					}
					case "missing" -> {
						markDeleted(true, fx);
						redirectIfFresh(taker, taker.isWaiting() && !taker.parked, fx);
					}
					default -> throw new IllegalStateException("take answered " + reply.status());
				}
				react(reply.state(), fx);
			}
			boolean progress = failure == null && !this.takers.contains(taker);
			if (((pumped && progress) || tryAgain) && !this.deleted) {
				fx.add(this::pumpTakes);
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
		if (handBack != null) {
			handBack(handBack);
		}
	}

	/** A put's delay in Redis's milliseconds; a positive one is at least 1. */
	private static long delayMillis(Duration delay) {
		return delay.isPositive() ? Math.max(1, delay.toMillis()) : 0;
	}

	/** The oldest parked put, or {@code null}. */
	private PutWaiter oldestParkedPut() {
		assert this.lock.isHeldByCurrentThread();
		for (PutWaiter putter : this.putters) {
			if (putter.parked) {
				return putter;
			}
		}
		return null;
	}

	/**
	 * Whether the oldest parked put could hand its job straight to a take: not a delayed
	 * one (it rests in the queue), nor a batch (its jobs join the tail).
	 */
	private boolean oldestParkedPutCanHandOff() {
		PutWaiter oldest = oldestParkedPut();
		return oldest != null && oldest.batch == null && !oldest.options.delayed();
	}

	/** Tries the oldest parked put, unless an attempt is already in flight. */
	private void pumpPuts() {
		PutWaiter next = null;
		this.lock.lock();
		try {
			if (this.pumpingPuts || this.deleted) {
				return;
			}
			for (PutWaiter putter : this.putters) {
				if (putter.parked && !putter.inFlight) {
					next = putter;
					break;
				}
			}
			if (next == null) {
				return;
			}
			this.pumpingPuts = true;
			next.startAttempt();
		}
		finally {
			this.lock.unlock();
		}
		sendPut(next, false, true);
	}

	/**
	 * Tries the oldest parked take, unless an attempt is already in flight, or a put's
	 * hand-off to it.
	 */
	private void pumpTakes() {
		TakeWaiter next = null;
		this.lock.lock();
		try {
			if (this.pumpingTakes || this.deleted) {
				return;
			}
			for (TakeWaiter taker : this.takers) {
				if (taker.parked) {
					next = taker;
					break;
				}
			}
			// only the oldest (FIFO): if a put's hand-off to it is in flight, that
			// put's answer pumps again
			if (next == null || next.inFlight > 0) {
				return;
			}
			this.pumpingTakes = true;
			next.inFlight++;
		}
		finally {
			this.lock.unlock();
		}
		sendTake(next, true);
	}

	// ---- state changes; call only when holding lock

	/**
	 * Acts on the state a script left: see the design notes. Call only holding the lock.
	 */
	private void react(ScriptReply.State state, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (state == null) {
			return;
		}
		tell(state, fx);
		if (state.closed()) {
			for (PutWaiter putter : List.copyOf(this.putters)) {
				if (!putter.inFlight) {
					forgetPutter(putter, fx);
					reject(putter, new PutOutcome.Closed(), fx);
				}
			}
		}
		if (state.drained()) {
			for (TakeWaiter taker : List.copyOf(this.takers)) {
				if (taker.inFlight == 0) {
					forgetTaker(taker, fx);
					settleTake(taker, new TakeOutcome.Drained(), fx);
				}
			}
		}
		if (state.unfinished() == 0) {
			for (JoinWaiter joiner : this.joiners) {
				fx.cancel(joiner.deadline());
				fx.settle(joiner, true);
			}
			this.joiners.clear();
		}
		if (this.parkedTakers > 0 && state.ready() > 0 && !state.paused()) {
			fx.add(this::pumpTakes);
		}
		// a parked take makes room for a put's job by taking it at once, but not for a
		// delayed one (it rests in the queue) or a batch's, nor while delivery is paused
		boolean takerMakesRoom = this.parkedTakers > 0 && !state.paused() && oldestParkedPutCanHandOff();
		// a parked batch is tried once there is room for all it needs, not before:
		// else every answer would pump it again, and it would find the queue full
		PutWaiter oldest = oldestParkedPut();
		boolean room = (oldest != null && oldest.batch != null)
				? state.capacity() - state.ready() - state.delayed() >= oldest.needed : state.hasRoom();
		if (this.parkedPutters > 0 && (room || takerMakesRoom) && !state.closed()) {
			fx.add(this::pumpPuts);
		}
		scheduleSweep(state.nextDue(), fx);
		keepRechecking();
	}

	/** Tells the listener what a script's housekeeping did. */
	private void tell(ScriptReply.State state, Effects fx) {
		for (long i = 0; i < state.expired(); i++) {
			fx.add(() -> this.listener.expired(this.name));
		}
		for (long i = 0; i < state.deadLetteredMaxAttempts(); i++) {
			fx.add(() -> this.listener.deadLettered(this.name, DeadLetter.Reason.MAX_ATTEMPTS));
		}
		for (long i = 0; i < state.deadLetteredPurged(); i++) {
			fx.add(() -> this.listener.deadLettered(this.name, DeadLetter.Reason.PURGED));
		}
	}

	private void markDeleted(boolean elsewhere, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (this.deleted) {
			return;
		}
		this.deleted = true;
		this.deletedElsewhere = elsewhere && !this.deletingHere;
		// the registry forgets this queue before anyone hears it is gone, so that whoever
		// looks the name up again finds what exists now
		fx.add(() -> this.registry.forget(this));
		List<Waiter<?>> fresh = new ArrayList<>();
		for (PutWaiter putter : List.copyOf(this.putters)) {
			if (elsewhere && putter.isWaiting() && !putter.parked) {
				// one with its attempt in flight is redirected by that attempt's answer,
				// if it finds the queue gone too: it may have been accepted before
				if (!putter.inFlight) {
					fresh.add(putter);
				}
			}
			else if (putter.isWaiting()) {
				forgetPutter(putter, fx);
				reject(putter, new PutOutcome.Closed(), fx);
			}
		}
		for (TakeWaiter taker : List.copyOf(this.takers)) {
			if (elsewhere && taker.isWaiting() && !taker.parked) {
				if (taker.inFlight == 0) {
					fresh.add(taker);
				}
			}
			else if (taker.isWaiting()) {
				forgetTaker(taker, fx);
				settleTake(taker, new TakeOutcome.Drained(), fx);
			}
		}
		if (!fresh.isEmpty()) {
			fx.add(() -> redirect(fresh));
		}
		for (JoinWaiter joiner : this.joiners) {
			fx.cancel(joiner.deadline());
			fx.fail(joiner, new QueueDeletedException(this.name));
		}
		this.joiners.clear();
		fx.cancel(this.sweep);
		fx.cancel(this.recheck);
		this.sweep = null;
		this.recheck = null;
		stopListening();
	}

	/**
	 * Redirects the waiter whose attempt has just found the queue deleted elsewhere, if
	 * it had not parked (markDeleted left it alone while its attempt was in flight).
	 */
	private void redirectIfFresh(Waiter<?> waiter, boolean fresh, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (fresh && this.deletedElsewhere) {
			fx.add(() -> redirect(List.of(waiter)));
		}
	}

	/**
	 * Answers puts and takes whose first attempt found that another replica had deleted
	 * this queue (they had not parked): if the name has a new queue — or gets one now,
	 * for a put with auto-creation on — with {@link QueueReplacedException} so the caller
	 * makes them again there, else as for a queue that does not exist. A replica learns
	 * of a deletion through another only when it next runs a script for the queue; the
	 * request whose script it was should see what a request sent after the deletion sees.
	 */
	private void redirect(List<Waiter<?>> fresh) {
		boolean puts = fresh.stream().anyMatch(PutWaiter.class::isInstance);
		this.registry.successor(this, puts).whenComplete((next, failure) -> {
			Effects fx = new Effects(this.lock, this.name);
			this.lock.lock();
			try {
				for (Waiter<?> waiter : fresh) {
					if (!waiter.isWaiting()) {
						continue;
					}
					if (waiter instanceof PutWaiter putter) {
						forgetPutter(putter, fx);
					}
					else if (waiter instanceof TakeWaiter taker) {
						forgetTaker(taker, fx);
					}
					Throwable cause = (failure != null) ? RedisScripts.unwrap(failure) : null;
					RuntimeException answer = (cause instanceof TooManyQueuesException tooMany) ? tooMany
							: (failure != null) ? unavailable(failure)
									: (next != null) ? new QueueReplacedException(this.name, next)
											: new QueueDeletedException(this.name);
					fx.fail(waiter, answer);
				}
			}
			finally {
				this.lock.unlock();
			}
			fx.run();
		});
	}

	private void deliver(TakeWaiter taker, List<Delivery> deliveries, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		Instant now = this.scheduler.now();
		for (Delivery delivery : deliveries) {
			boolean direct = taker.parked && delivery.attempt() == 1
					&& !delivery.enqueuedAt().isBefore(taker.parkedAt());
			Duration sinceEnqueued = (delivery.attempt() == 1) ? Duration.between(delivery.enqueuedAt(), now) : null;
			fx.add(() -> this.listener.delivered(this.name, direct, sinceEnqueued));
			if (taker.options.autoAck()) {
				fx.add(() -> this.listener.acked(this.name));
			}
		}
		TakeOutcome.Delivered outcome = new TakeOutcome.Delivered(deliveries);
		Duration waited = taker.waited(now);
		taker.settle(outcome);
		fx.add(() -> {
			this.listener.waitEnded(this.name, WaitKind.TAKE, waited, outcome.label());
			if (!taker.finish()) {
				handBack(deliveries);
			}
		});
	}

	private void settlePut(PutWaiter putter, PutOutcome outcome, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		Duration waited = putter.waited(this.scheduler.now());
		fx.add(() -> this.listener.waitEnded(this.name, WaitKind.PUT, waited, outcome.label()));
		fx.settle(putter, outcome);
	}

	private void reject(PutWaiter putter, PutOutcome outcome, Effects fx) {
		// told before the future completes: whoever sees the outcome sees the event
		fx.add(() -> this.listener.putRejected(this.name, outcome));
		settlePut(putter, outcome, fx);
	}

	private void settleTake(TakeWaiter taker, TakeOutcome outcome, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		Duration waited = taker.waited(this.scheduler.now());
		fx.add(() -> this.listener.waitEnded(this.name, WaitKind.TAKE, waited, outcome.label()));
		fx.settle(taker, outcome);
	}

	private void markParked(PutWaiter putter) {
		assert this.lock.isHeldByCurrentThread();
		if (!putter.parked) {
			putter.parked = true;
			this.parkedPutters++;
			startTimer(putter, putter.options.maxWait());
			keepRechecking();
		}
	}

	private void markParked(TakeWaiter taker) {
		assert this.lock.isHeldByCurrentThread();
		if (!taker.parked) {
			taker.parked = true;
			this.parkedTakers++;
			startTimer(taker, taker.options.maxWait());
			keepRechecking();
		}
	}

	/**
	 * Starts a parking request's timer for what is left of its wait. Requests answered by
	 * their first attempt, most of them, never set one: a timer costs a scheduled task,
	 * its cancellation, and often a wake-up of the timer thread. So a wait cannot elapse
	 * while a first attempt is in flight; the answer comes within the Redis timeout, and
	 * a request that finds its wait used up by then is answered at once.
	 */
	private void startTimer(Waiter<?> waiter, Duration maxWait) {
		if (maxWait.isPositive() && waiter.deadline() == null) {
			Duration left = maxWait.minus(waiter.waited(this.scheduler.now()));
			waiter
				.deadline(this.scheduler.schedule(left.isNegative() ? Duration.ZERO : left, () -> waitElapsed(waiter)));
		}
	}

	/** Whether a request whose first attempt found it must wait has any wait left. */
	private boolean hasTimeLeft(Waiter<?> waiter) {
		Duration maxWait = (waiter instanceof PutWaiter putter) ? putter.options.maxWait()
				: ((TakeWaiter) waiter).options.maxWait();
		return waiter.deadline() != null || waiter.waited(this.scheduler.now()).compareTo(maxWait) < 0;
	}

	/** Removes a put from the line and calls off its timer. */
	private void forgetPutter(PutWaiter putter, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (this.putters.remove(putter) && putter.parked) {
			this.parkedPutters--;
		}
		fx.cancel(putter.deadline());
	}

	private void forgetTaker(TakeWaiter taker, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (this.takers.remove(taker) && taker.parked) {
			this.parkedTakers--;
		}
		fx.cancel(taker.deadline());
	}

	private void scheduleSweep(long due, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (due < 0 || due >= this.sweepAt || this.deleted || this.stopped) {
			return;
		}
		fx.cancel(this.sweep);
		this.sweepAt = due;
		long delay = Math.max(0, due - this.scheduler.now().toEpochMilli());
		this.sweep = this.scheduler.schedule(Duration.ofMillis(delay), this::sweep);
	}

	/**
	 * While requests are parked here: hears the wake channel, and keeps a recheck timer
	 * running. The channel is heard a while longer once none are parked (it is cheaper
	 * than subscribing for each long-poll), then left: a replica with nothing parked on a
	 * queue has no use for its wake-ups, and each costs it a read and a decode.
	 */
	private void keepRechecking() {
		assert this.lock.isHeldByCurrentThread();
		boolean parked = this.parkedPutters > 0 || this.parkedTakers > 0 || !this.joiners.isEmpty();
		if (this.deleted || this.stopped) {
			return;
		}
		if (parked) {
			this.quietRechecks = 0;
			if (!this.listening) {
				// under the lock, so that this queue's subscribe and unsubscribe reach
				// the connection in the order they were decided
				this.listening = true;
				this.registry.listen(this);
			}
		}
		if ((parked || this.listening) && this.recheck == null) {
			this.recheck = this.scheduler.schedule(this.registry.recheckPeriod(), this::recheck);
		}
	}

	/** Leaves the wake channel, if heard. */
	private void stopListening() {
		assert this.lock.isHeldByCurrentThread();
		if (this.listening) {
			this.listening = false;
			this.registry.unlisten(this);
		}
	}

	// ---- timer and cancellation entry points (they take the lock themselves)

	private void sweep() {
		this.lock.lock();
		try {
			this.sweep = null;
			this.sweepAt = Long.MAX_VALUE;
		}
		finally {
			this.lock.unlock();
		}
		call(Script.SNAPSHOT);
	}

	private void recheck() {
		this.lock.lock();
		try {
			this.recheck = null;
			boolean parked = this.parkedPutters > 0 || this.parkedTakers > 0 || !this.joiners.isEmpty();
			if (!parked && ++this.quietRechecks >= QUIET_RECHECKS) {
				stopListening();
			}
			keepRechecking();
		}
		finally {
			this.lock.unlock();
		}
		nudge();
	}

	private void waitElapsed(Waiter<?> waiter) {
		Effects fx = new Effects(this.lock, this.name);
		this.lock.lock();
		try {
			if (!waiter.isWaiting()) {
				return;
			}
			if (waiter instanceof PutWaiter putter) {
				if (putter.inFlight) {
					putter.expired = true; // the attempt's answer decides
				}
				else {
					forgetPutter(putter, fx);
					reject(putter, new PutOutcome.Full(), fx);
				}
			}
			else if (waiter instanceof TakeWaiter taker) {
				forgetTaker(taker, fx);
				settleTake(taker, new TakeOutcome.Empty(), fx);
			}
			else if (waiter instanceof JoinWaiter joiner) {
				this.joiners.remove(joiner);
				fx.settle(joiner, false);
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
	}

	private static boolean onRedisThread() {
		return Thread.currentThread() instanceof FastThreadLocalThread;
	}

	private void answerJoin(JoinWaiter joiner, boolean outcome) {
		Effects fx = new Effects(this.lock, this.name);
		this.lock.lock();
		try {
			if (joiner.isWaiting()) {
				this.joiners.remove(joiner);
				fx.cancel(joiner.deadline());
				fx.settle(joiner, outcome);
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
	}

	private void failJoin(JoinWaiter joiner, Throwable failure) {
		Effects fx = new Effects(this.lock, this.name);
		this.lock.lock();
		try {
			if (joiner.isWaiting()) {
				this.joiners.remove(joiner);
				fx.cancel(joiner.deadline());
				fx.fail(joiner, unavailable(failure));
			}
		}
		finally {
			this.lock.unlock();
		}
		fx.run();
	}

	/**
	 * Withdraws a parked operation whose future is being cancelled. A put whose attempt
	 * is in flight may be accepted by it: the withdrawal waits for the attempt's answer
	 * (at most the Redis timeout), so that a put withdrawn was never accepted and one
	 * accepted answers {@code false}. On a Redis I/O thread, which must not wait, the put
	 * is withdrawn at once and its job retracted if it was accepted.
	 */
	@Override
	public boolean withdraw(Waiter<?> waiter) {
		long deadline = System.nanoTime() + this.registry.timeout().toNanos();
		boolean mayWait = !onRedisThread();
		for (;;) {
			CompletableFuture<Void> attempt = null;
			Effects fx = new Effects(this.lock, this.name);
			this.lock.lock();
			try {
				if (waiter instanceof PutWaiter putter && putter.inFlight && putter.isWaiting() && mayWait
						&& System.nanoTime() < deadline) {
					// decided with the same hold of the lock that withdraws, so that no
					// new attempt starts in between
					attempt = putter.attempt;
				}
				else {
					if (!waiter.withdraw()) {
						return false;
					}
					forgetWithdrawn(waiter, fx);
				}
			}
			finally {
				this.lock.unlock();
			}
			if (attempt == null) {
				fx.run();
				return true;
			}
			try {
				attempt.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				// the deadline has passed: the next round withdraws it at once
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				mayWait = false;
			}
		}
	}

	/** Takes a withdrawn waiter out of its line. Call only holding the lock. */
	private void forgetWithdrawn(Waiter<?> waiter, Effects fx) {
		assert this.lock.isHeldByCurrentThread();
		if (waiter instanceof PutWaiter putter) {
			forgetPutter(putter, fx);
		}
		else if (waiter instanceof TakeWaiter taker) {
			forgetTaker(taker, fx);
		}
		else {
			this.joiners.remove(waiter);
			fx.cancel(waiter.deadline());
		}
		WaitKind kind = waiter.kind();
		if (kind != null) {
			Duration waited = waiter.waited(this.scheduler.now());
			fx.add(() -> this.listener.waitEnded(this.name, kind, waited, "cancelled"));
		}
	}

	/**
	 * Gives back jobs that reached no consumer: to the head, in their order, the attempt
	 * not counted.
	 */
	private void handBack(List<Delivery> deliveries) {
		List<byte[]> restore = new ArrayList<>();
		List<Settle> releases = new ArrayList<>();
		for (Delivery delivery : deliveries) {
			if (delivery.leaseId() != null) {
				releases.add(Settle.release(delivery.leaseId()));
			}
			else {
				restore.add(bytes(delivery.jobId()));
				restore.add(delivery.payload().toByteArray());
				restore.add(bytes(Integer.toString(delivery.attempt())));
				restore.add(bytes(Long.toString(delivery.enqueuedAt().toEpochMilli())));
				DeadLetter origin = delivery.deadLetter();
				restore.add(bytes((origin != null)
						? origin.queue() + "\n" + origin.reason().label() + "\n" + origin.attempts() : ""));
				this.listener.released(this.name);
			}
		}
		if (!releases.isEmpty()) {
			// the head in their order: released one after another, last first
			settle(releases.reversed());
		}
		if (!restore.isEmpty()) {
			call(Script.RESTORE, restore.toArray(new byte[0][])).exceptionally((failed) -> {
				log.log(System.Logger.Level.ERROR, "queue " + this.name + ": jobs settled at delivery that reached no "
						+ "consumer could not be put back: " + deliveries.stream().map(Delivery::jobId).toList(),
						failed);
				return null;
			});
		}
	}

	// ---- talking to Redis

	/**
	 * Runs a script and acts on the state it leaves; fails with
	 * {@link BackendUnavailableException} when Redis cannot be reached.
	 */
	private CompletableFuture<ScriptReply> call(Script script, byte[]... args) {
		return runScript(script, args).handle((reply, failure) -> {
			if (failure != null) {
				throw unavailable(failure);
			}
			if (reply.is("missing")) {
				deleted(true);
			}
			else {
				learn(reply.state());
			}
			return reply;
		});
	}

	/**
	 * Runs a script for this queue. The future completes once jobs the script moved to
	 * the dead-letter outbox have been forwarded.
	 */
	private CompletableFuture<ScriptReply> runScript(Script script, byte[]... args) {
		return this.registry.run(script, this.address, this.generation, args);
	}

	/** The jobs a script delivered, listed from value {@code from} on. */
	private static List<Delivery> deliveries(ScriptReply reply, int from) {
		List<Object> values = reply.values();
		List<Delivery> deliveries = new ArrayList<>(Math.max(0, values.size() - from));
		for (Object item : values.subList(Math.min(from, values.size()), values.size())) {
			@SuppressWarnings("unchecked")
			List<Object> v = (List<Object>) item;
			String leaseId = ScriptReply.text(v.get(0));
			Object expiry = v.get(5);
			String originQueue = ScriptReply.text(v.get(6));
			DeadLetter origin = (originQueue != null) ? new DeadLetter(originQueue, reason(ScriptReply.text(v.get(7))),
					(int) ScriptReply.number(v.get(8))) : null;
			deliveries.add(new Delivery(leaseId, ScriptReply.text(v.get(1)), Payload.of((byte[]) v.get(2)),
					(int) ScriptReply.number(v.get(3)), Instant.ofEpochMilli(ScriptReply.number(v.get(4))),
					(expiry != null) ? Instant.ofEpochMilli(ScriptReply.number(expiry)) : null, origin));
		}
		return deliveries;
	}

	static DeadLetter.Reason reason(String label) {
		for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
			if (reason.label().equals(label)) {
				return reason;
			}
		}
		throw new IllegalStateException("unknown dead-letter reason " + label);
	}

	private RuntimeException unavailable(Throwable failure) {
		Throwable cause = RedisScripts.unwrap(failure);
		if (cause instanceof BackendUnavailableException unavailable) {
			return unavailable;
		}
		return new BackendUnavailableException("Redis failed for queue " + this.name + ": " + cause.getMessage(),
				cause);
	}

	private static boolean isOutOfMemory(Throwable failure) {
		Throwable cause = RedisScripts.unwrap(failure);
		return cause instanceof RedisCommandExecutionException && cause.getMessage() != null
				&& cause.getMessage().startsWith("OOM");
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	// ---- parts

	private static final class PutWaiter extends Waiter<PutOutcome> {

		final Payload payload;

		final PutOptions options;

		/** Made once, so that every attempt of this put offers the same job. */
		final String jobId;

		/** Whether it found the queue full and waits in line. Guarded by lock. */
		boolean parked;

		/** Whether an attempt is in flight. Guarded by lock. */
		boolean inFlight;

		/** Completed when the attempt in flight has been answered. Guarded by lock. */
		CompletableFuture<Void> attempt;

		/** Whether its wait elapsed while an attempt was in flight. Guarded by lock. */
		boolean expired;

		/** A batch's jobs, or {@code null} for a single put (payload and jobId). */
		final List<NewJob> batch;

		/** The ids of the batch's jobs, made once like jobId. */
		final List<String> batchIds;

		/**
		 * How many new jobs the batch needs room for, as its last attempt counted.
		 * Guarded by lock.
		 */
		int needed;

		PutWaiter(Owner owner, Instant now, Payload payload, PutOptions options, String jobId) {
			super(owner, now, WaitKind.PUT);
			this.payload = payload;
			this.options = options;
			this.jobId = jobId;
			this.batch = null;
			this.batchIds = null;
		}

		PutWaiter(Owner owner, Instant now, List<NewJob> batch, List<String> batchIds, PutOptions options) {
			super(owner, now, WaitKind.PUT);
			this.payload = null;
			this.options = options;
			this.jobId = null;
			this.batch = batch;
			this.batchIds = batchIds;
			this.needed = batch.size();
		}

		/** Marks an attempt in flight. Call only holding the lock. */
		void startAttempt() {
			this.inFlight = true;
			this.attempt = new CompletableFuture<>();
		}

	}

	private static final class TakeWaiter extends Waiter<TakeOutcome> {

		final TakeOptions options;

		/** Whether it found nothing and waits in line. Guarded by lock. */
		boolean parked;

		/**
		 * Attempts in flight that may hand it jobs: its own, and a put's hand-off.
		 * Guarded by lock.
		 */
		int inFlight;

		TakeWaiter(Owner owner, Instant now, TakeOptions options) {
			super(owner, now, WaitKind.TAKE);
			this.options = options;
		}

	}

	private static final class JoinWaiter extends Waiter<Boolean> {

		JoinWaiter(Owner owner, Instant now) {
			super(owner, now, null);
		}

	}

}
