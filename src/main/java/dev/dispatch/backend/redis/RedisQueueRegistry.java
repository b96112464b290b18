package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueNames;
import dev.dispatch.queue.QueueNotFoundException;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Redrive;
import dev.dispatch.queue.Redriven;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.TooManyQueuesException;
import dev.dispatch.queue.spi.QueueState;
import dev.dispatch.queue.spi.WaitingRoom;

import static dev.dispatch.backend.redis.QueueKeys.bytes;

/**
 * The queues kept in one Redis (a single server or a cluster), as seen by one replica.
 * Several replicas' registries on the same Redis and key prefix serve the same queues.
 *
 * <p>
 * Keys: every key of queue {@code q} starts with {@code <prefix>:{q}:}
 * ({@link QueueKeys}), so that a queue lives in one cluster slot; the set
 * {@code <prefix>:queues} names every queue. A queue's settings live in Redis, so a queue
 * created, changed or deleted through any replica is seen by all. This registry keeps one
 * {@link WaitingRoom} per queue it has met, in front of a {@link RedisQueueStore} for the
 * queue's generation; the room hears the queue's wake channel ({@link WakeChannel}) while
 * requests are parked on it, and dead letters are moved by a {@link DeadLetterForwarder}.
 *
 * <p>
 * The registry's own methods ({@link #find}, {@link #configure}, {@link #delete},
 * {@link #list}) wait for Redis, at most {@link Settings#timeout()}; a queue met before
 * is found without a round trip. Queue operations do not wait, but for the withdrawal of
 * a put whose script is in flight (see {@link WaitingRoom}).
 */
public final class RedisQueueRegistry implements QueueRegistry, QueueDirectory, AutoCloseable {

	private final RedisConnections redis;

	private final Settings settings;

	private final byte[] index;

	private final QueueScripts scripts;

	private final WakeChannel wakes;

	private final DeadLetterForwarder forwarder;

	/** What every store of this registry shares. */
	private final RedisQueueStore.Settings stores;

	private final ConcurrentHashMap<String, WaitingRoom<RedisQueueStore>> queues = new ConcurrentHashMap<>();

	/**
	 * How one registry behaves.
	 *
	 * @param scheduler time and timers for every queue; its clock is the one scripts use
	 * @param listener told of everything that happens in every queue, through this
	 * replica
	 * @param defaults the configuration of queues created on demand
	 * @param autoCreate whether {@link #obtain} creates unknown queues
	 * @param dedupWindow how long idempotency keys are remembered
	 * @param maxQueues most queues created by name (dead-letter queues are always
	 * created)
	 * @param keyPrefix what every key starts with, so that several deployments may share
	 * one Redis
	 * @param recheckPeriod how often a queue with parked requests is tried again without
	 * a wake-up (pub/sub may lose messages)
	 * @param timeout how long the registry's own methods wait for Redis
	 * @param waitReplicas replicas that must have a put before it is answered accepted
	 * ({@code WAIT}); 0 answers as soon as the primary has it
	 */
	public record Settings(Scheduler scheduler, QueueListener listener, QueueConfig defaults, boolean autoCreate,
			Duration dedupWindow, int maxQueues, String keyPrefix, Duration recheckPeriod, Duration timeout,
			int waitReplicas) {

		public Settings {
			Objects.requireNonNull(scheduler, "scheduler");
			Objects.requireNonNull(listener, "listener");
			Objects.requireNonNull(defaults, "defaults");
			if (!dedupWindow.isPositive() || !recheckPeriod.isPositive() || !timeout.isPositive()) {
				throw new IllegalArgumentException("dedup window, recheck period and timeout must be positive");
			}
			if (maxQueues < 1) {
				throw new IllegalArgumentException("max queues must be at least 1, got " + maxQueues);
			}
			if (waitReplicas < 0) {
				throw new IllegalArgumentException("replicas to wait for must not be negative, got " + waitReplicas);
			}
			if (keyPrefix == null || keyPrefix.isEmpty() || keyPrefix.contains("{") || keyPrefix.contains("}")) {
				throw new IllegalArgumentException("key prefix must be non-empty and free of braces, got " + keyPrefix);
			}
		}

		/** Settings that answer a put as soon as the primary has it. */
		public Settings(Scheduler scheduler, QueueListener listener, QueueConfig defaults, boolean autoCreate,
				Duration dedupWindow, int maxQueues, String keyPrefix, Duration recheckPeriod, Duration timeout) {
			this(scheduler, listener, defaults, autoCreate, dedupWindow, maxQueues, keyPrefix, recheckPeriod, timeout,
					0);
		}

	}

	/**
	 * @param redis the connections to use (not closed by the registry)
	 * @param settings how the registry behaves
	 */
	public RedisQueueRegistry(RedisConnections redis, Settings settings) {
		this.redis = redis;
		this.settings = settings;
		this.index = bytes(settings.keyPrefix() + ":queues");
		// this replica's id: the message of the wake-ups its own scripts publish
		byte[] replica = bytes(UUID.randomUUID().toString());
		this.scripts = new QueueScripts(new RedisScripts(redis.commands()), settings.scheduler(), replica);
		this.wakes = new WakeChannel(redis.wakeups(), settings.keyPrefix(), replica);
		this.forwarder = new DeadLetterForwarder(this.scripts, this::keysOf, settings.defaults(), this::arrived);
		this.stores = new RedisQueueStore.Settings(this.scripts, this.forwarder, this.wakes, this, redis,
				settings.dedupWindow(), settings.recheckPeriod(), settings.timeout(), settings.waitReplicas());
	}

	@Override
	public Optional<JobQueue> find(String name) {
		QueueNames.requireValid(name);
		WaitingRoom<RedisQueueStore> known = this.queues.get(name);
		if (known != null) {
			return Optional.of(known);
		}
		byte[] generation = await(this.redis.commands().hget(keysOf(name).meta(), bytes("gen")).toCompletableFuture());
		return (generation != null) ? Optional.of(adopt(name, ScriptReply.text(generation))) : Optional.empty();
	}

	@Override
	public JobQueue obtain(String name) {
		Optional<JobQueue> found = find(name);
		if (found.isPresent()) {
			return found.get();
		}
		if (!this.settings.autoCreate()) {
			throw new QueueNotFoundException(name);
		}
		requireRoomFor(name);
		Defined defined = await(define(name, this.settings.defaults(), true));
		return known(name, defined);
	}

	@Override
	public boolean configure(String name, QueueConfig config) {
		Objects.requireNonNull(config, "config").requireFitFor(QueueNames.requireValid(name));
		if (!this.queues.containsKey(name) && find(name).isEmpty()) {
			requireRoomFor(name);
		}
		Defined defined = await(define(name, config, false));
		known(name, defined);
		return defined.created();
	}

	@Override
	public List<JobQueue> list() {
		List<String> names = await(this.redis.commands().smembers(this.index).toCompletableFuture()).stream()
			.map(ScriptReply::text)
			.sorted()
			.toList();
		List<JobQueue> all = new ArrayList<>(names.size());
		for (String name : names) {
			Optional<JobQueue> queue = find(name);
			if (queue.isPresent()) {
				all.add(queue.get());
			}
			else {
				this.redis.commands().srem(this.index, bytes(name));
			}
		}
		return all;
	}

	/**
	 * Picks the jobs in the dead-letter queue, counts each home queue's room, then moves
	 * the chosen ones to the dead-letter queue's outbox in one script, from which they
	 * are forwarded as dead letters are (the queues may live on other shards): a job is
	 * in one of the two queues or in the outbox at every moment.
	 */
	@Override
	public CompletableFuture<Redriven> redrive(String deadLetterQueue, Redrive which) {
		Objects.requireNonNull(which, "which");
		require(deadLetterQueue);
		QueueKeys source = keysOf(deadLetterQueue);
		return this.scripts.redrivePick(source, which)
			.thenCompose((picked) -> this.forwarder.after(source, picked))
			.thenCompose((picked) -> {
				if (!picked.is("picked")) {
					throw new QueueNotFoundException(deadLetterQueue);
				}
				List<String[]> jobs = new ArrayList<>();
				for (Object entry : picked.values()) {
					List<?> fields = (List<?>) entry;
					jobs.add(new String[] { ScriptReply.text(fields.get(0)), ScriptReply.text(fields.get(1)) });
				}
				Map<String, CompletableFuture<Integer>> rooms = new LinkedHashMap<>();
				jobs.forEach((job) -> rooms.computeIfAbsent(job[1], this::room));
				return CompletableFuture.allOf(rooms.values().toArray(new CompletableFuture<?>[0]))
					.thenCompose((done) -> {
						Map<String, Integer> room = new HashMap<>();
						rooms.forEach((home, left) -> room.put(home, left.join()));
						List<String[]> out = new ArrayList<>();
						Map<String, String> homeOf = new HashMap<>();
						for (String[] job : jobs) {
							int left = room.get(job[1]);
							if (left > 0) {
								room.put(job[1], left - 1);
								out.add(job);
								homeOf.put(job[0], job[1]);
							}
						}
						if (out.isEmpty()) {
							return CompletableFuture.completedFuture(new Redriven(Map.of(), jobs.size(), List.of()));
						}
						return this.scripts.redriveOut(source, out)
							.thenCompose((moved) -> this.forwarder.after(source, moved))
							.thenApply((moved) -> {
								Map<String, Integer> byHome = new LinkedHashMap<>();
								List<String> ids = new ArrayList<>();
								for (Object id : moved.values()) {
									ids.add(ScriptReply.text(id));
									byHome.merge(homeOf.get(ScriptReply.text(id)), 1, Integer::sum);
								}
								return new Redriven(byHome, jobs.size() - moved.values().size(), ids);
							});
					});
			})
			.exceptionallyCompose((failure) -> {
				Throwable cause = Failures.unwrap(failure);
				return CompletableFuture.failedFuture((cause instanceof RuntimeException known
						&& (known instanceof QueueNotFoundException || known instanceof BackendUnavailableException))
								? known : new BackendUnavailableException("Redis failed for the redrive of "
										+ deadLetterQueue + ": " + cause.getMessage(), cause));
			});
	}

	/** Room for more jobs in queue {@code name}: 0 if it does not exist or is closed. */
	private CompletableFuture<Integer> room(String name) {
		QueueKeys keys = keysOf(name);
		return this.scripts.snapshot(keys, new byte[0])
			.thenCompose((reply) -> this.forwarder.after(keys, reply))
			.thenApply((reply) -> {
				if (!reply.is("state") || reply.state().closed()) {
					return 0;
				}
				return (int) reply.state().toQueueState().room();
			});
	}

	@Override
	public boolean delete(String name, boolean discard) {
		QueueNames.requireValid(name);
		WaitingRoom<RedisQueueStore> known = this.queues.get(name);
		if (known != null) {
			// an answer of its own that finds it gone meanwhile must not redirect
			known.deleting();
		}
		QueueKeys keys = keysOf(name);
		ScriptReply reply = await(
				this.scripts.delete(keys, discard).thenCompose((deleted) -> this.forwarder.after(keys, deleted)));
		if (!reply.is("deleted")) {
			if (known != null) {
				known.deleted(false);
				forget(known);
			}
			return false;
		}
		// the queue is gone: what follows happens whatever forwarding did (jobs it
		// could not move wait in the outbox, forwarded by the next script of a queue of
		// that name)
		this.redis.commands().srem(this.index, bytes(name));
		if (known != null) {
			known.deleted(false);
			// forgotten here too: an answer of its own that found it gone may have
			// marked it deleted and not yet have made the registry forget it
			forget(known); // the listener hears of it once
		}
		else {
			this.settings.listener().queueDeleted(name);
		}
		return true;
	}

	@Override
	public QueueConfig defaults() {
		return this.settings.defaults();
	}

	@Override
	public boolean autoCreate() {
		return this.settings.autoCreate();
	}

	/**
	 * Redis's {@code maxmemory-policy}, if it says (a managed Redis may refuse
	 * {@code CONFIG GET}).
	 */
	public Optional<String> evictionPolicy() {
		try {
			Map<String, String> config = await(
					this.redis.commands().configGet("maxmemory-policy").toCompletableFuture());
			return Optional.ofNullable(config.get("maxmemory-policy"));
		}
		catch (BackendUnavailableException ex) {
			return Optional.empty();
		}
	}

	/** Sends {@code PING}: Redis must answer within the timeout. */
	@Override
	public void checkAvailable() {
		await(this.redis.commands().ping().toCompletableFuture());
	}

	/** Stops listening for wake-ups; the connections stay open. */
	@Override
	public void close() {
		this.wakes.close();
		for (WaitingRoom<RedisQueueStore> queue : this.queues.values()) {
			queue.stop();
		}
		this.queues.clear();
	}

	// ---- what the stores ask of it

	@Override
	public CompletableFuture<JobQueue> successor(String name, String old, boolean create) {
		return this.redis.commands()
			.hget(keysOf(name).meta(), bytes("gen"))
			.toCompletableFuture()
			.thenCompose((generation) -> {
				if (generation != null) {
					String current = ScriptReply.text(generation);
					return CompletableFuture.completedFuture(current.equals(old) ? null : adopt(name, current));
				}
				if (!create || !this.settings.autoCreate()) {
					return CompletableFuture.completedFuture(null);
				}
				return this.redis.commands().scard(this.index).toCompletableFuture().thenCompose((count) -> {
					if (count >= this.settings.maxQueues()) {
						throw new TooManyQueuesException(name, this.settings.maxQueues());
					}
					return define(name, this.settings.defaults(), true);
				}).thenCompose((defined) -> {
					if (!defined.created()) {
						return CompletableFuture.completedFuture(adopt(name, defined.generation()));
					}
					return this.redis.commands()
						.sadd(this.index, bytes(name))
						.toCompletableFuture()
						.thenApply((added) -> adopt(name, defined.generation()));
				});
			});
	}

	@Override
	public void forget(String name, String generation) {
		WaitingRoom<RedisQueueStore> queue = this.queues.get(name);
		if (queue != null && queue.store().generation().equals(generation)) {
			forget(queue);
		}
	}

	private void forget(WaitingRoom<RedisQueueStore> queue) {
		if (this.queues.remove(queue.name(), queue)) {
			this.settings.listener().queueDeleted(queue.name());
		}
	}

	// ---- inside

	/** Where queue {@code name} lives in Redis. */
	QueueKeys keysOf(String name) {
		return QueueKeys.of(this.settings.keyPrefix(), name);
	}

	/**
	 * Creates a queue, or changes whichever generation of it exists.
	 * @param createOnly whether to leave an existing queue as it is
	 */
	private CompletableFuture<Defined> define(String name, QueueConfig config, boolean createOnly) {
		QueueKeys keys = keysOf(name);
		return this.scripts.define(keys, new byte[0], UUID.randomUUID().toString(), config, createOnly)
			.thenCompose((reply) -> this.forwarder.after(keys, reply))
			.thenApply((reply) -> {
				Defined defined = new Defined(reply.text(0), reply.is("created"), reply.state());
				WaitingRoom<RedisQueueStore> known = this.queues.get(name);
				if (known != null && known.store().generation().equals(defined.generation())
						&& defined.state() != null) {
					known.learn(defined.state().toQueueState());
				}
				return defined;
			});
	}

	/**
	 * Dead letters (or redriven jobs) reached a queue: see {@link DeadLetterForwarder}.
	 */
	private CompletableFuture<Void> arrived(String name, String generation, long added, boolean created,
			QueueState state) {
		WaitingRoom<RedisQueueStore> queue = adopt(name, generation);
		for (long i = 0; i < added; i++) {
			this.settings.listener().enqueued(name);
		}
		queue.learn(state);
		return created ? this.redis.commands()
			.sadd(this.index, bytes(name))
			.thenApply((count) -> (Void) null)
			.toCompletableFuture() : CompletableFuture.completedFuture(null);
	}

	/**
	 * The queue of {@code name} after {@code defined}; registers a new queue in the
	 * index.
	 */
	private WaitingRoom<RedisQueueStore> known(String name, Defined defined) {
		// every time, not only when created: the queue and its entry in the index cannot
		// be made in one script (on a cluster they live in different slots), so a replica
		// that died between the two leaves a queue that the next define lists again
		await(this.redis.commands().sadd(this.index, bytes(name)).toCompletableFuture());
		return adopt(name, defined.generation());
	}

	/**
	 * The room for generation {@code generation} of {@code name}; one of an older
	 * generation is told its queue is gone. The listener hears of a queue when this
	 * replica first meets it, whichever replica created it, so that every replica serving
	 * a queue has its meters.
	 */
	private WaitingRoom<RedisQueueStore> adopt(String name, String generation) {
		List<WaitingRoom<RedisQueueStore>> replaced = new ArrayList<>(1);
		boolean[] fresh = { false };
		WaitingRoom<RedisQueueStore> queue = this.queues.compute(name, (key, existing) -> {
			if (existing != null && existing.store().generation().equals(generation)) {
				return existing;
			}
			if (existing != null) {
				replaced.add(existing);
			}
			fresh[0] = true;
			return new WaitingRoom<>(name, this.settings.scheduler(), this.settings.listener(),
					(events) -> new RedisQueueStore(keysOf(name), generation, this.stores, events));
		});
		replaced.forEach((old) -> old.deleted(true));
		if (fresh[0]) {
			this.settings.listener().queueCreated(name);
		}
		return queue;
	}

	private void requireRoomFor(String name) {
		long count = await(this.redis.commands().scard(this.index).toCompletableFuture());
		if (count >= this.settings.maxQueues()) {
			throw new TooManyQueuesException(name, this.settings.maxQueues());
		}
	}

	private <T> T await(CompletableFuture<T> future) {
		try {
			return future.get(this.settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime
					&& !(runtime.getClass().getName().startsWith("io.lettuce"))) {
				throw runtime;
			}
			throw new BackendUnavailableException("Redis failed: " + ex.getCause().getMessage(), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new BackendUnavailableException("Redis did not answer within " + this.settings.timeout(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new BackendUnavailableException("interrupted while waiting for Redis", ex);
		}
	}

	/**
	 * What a define (creating or changing a queue) did.
	 *
	 * @param generation the queue's generation
	 * @param created whether the queue was created
	 * @param state the queue's state after it, if reported
	 */
	private record Defined(String generation, boolean created, ScriptReply.State state) {

	}

}
