package dev.dispatch.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.RedisPubSubListener;

import dev.dispatch.backend.redis.RedisScripts.Script;
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

/**
 * The queues kept in one Redis (a single server or a cluster), as seen by one replica.
 * Several replicas' registries on the same Redis and key prefix serve the same queues.
 *
 * <p>
 * Keys: every key of queue {@code q} starts with {@code <prefix>:{q}:}, so that a queue
 * lives in one cluster slot; the set {@code <prefix>:queues} names every queue. A queue's
 * settings live in Redis, so a queue created, changed or deleted through any replica is
 * seen by all. This registry keeps one {@link RedisJobQueue} per queue it has met, and
 * subscribes to that queue's wake channel ({@code <prefix>:{q}:wake}, sharded pub/sub)
 * while requests are parked on it.
 *
 * <p>
 * The registry's own methods ({@link #find}, {@link #configure}, {@link #delete},
 * {@link #list}) wait for Redis, at most {@link Settings#timeout()}; a queue met before
 * is found without a round trip. Queue operations do not wait, but for the withdrawal of
 * a put whose script is in flight (see {@link RedisJobQueue}).
 */
public final class RedisQueueRegistry implements QueueRegistry, AutoCloseable {

	private static final System.Logger log = System.getLogger(RedisQueueRegistry.class.getName());

	/** Most dead letters moved in one round. */
	private static final int FORWARD_BATCH = 500;

	/**
	 * Payload bytes after which a round takes no more dead letters: a round's scripts
	 * carry its payloads, and a large one would hold Redis and the connection.
	 */
	private static final int FORWARD_BYTES = 512 * 1024;

	/** The outbox's reason for a job going home from a dead-letter queue. */
	private static final String REDRIVE = "redrive";

	private final RedisConnections redis;

	private final RedisScripts scripts;

	private final Settings settings;

	private final byte[] index;

	/** This registry's id: the message of the wake-ups its own scripts publish. */
	private final byte[] replica = RedisJobQueue.bytes(UUID.randomUUID().toString());

	private final ConcurrentHashMap<String, RedisJobQueue> queues = new ConcurrentHashMap<>();

	/**
	 * The dead-letter forwarding under way for each source queue: forwardings of one
	 * outbox run one after the other in this replica, so that none copies a job another
	 * has already moved and whose copy was since acked.
	 */
	private final ConcurrentHashMap<String, CompletableFuture<Void>> forwarding = new ConcurrentHashMap<>();

	private final RedisPubSubListener<byte[], byte[]> wakeListener;

	/**
	 * The queues that hear each wake channel (by queue name: an old queue of a name may
	 * leave it as a new one joins). A channel is subscribed while its set is not empty;
	 * subscribe and unsubscribe are sent under this map's monitor, so they reach the
	 * connection in the order the sets changed.
	 */
	private final Map<String, Set<RedisJobQueue>> listening = new HashMap<>();

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
		this.scripts = new RedisScripts(redis.commands());
		this.index = RedisJobQueue.bytes(settings.keyPrefix() + ":queues");
		this.wakeListener = new RedisPubSubAdapter<>() {

			@Override
			public void smessage(byte[] shardChannel, byte[] message) {
				if (!Arrays.equals(message, RedisQueueRegistry.this.replica)) {
					wake(shardChannel);
				}
			}

		};
		redis.wakeups().addListener(this.wakeListener);
	}

	@Override
	public Optional<JobQueue> find(String name) {
		QueueNames.requireValid(name);
		RedisJobQueue known = this.queues.get(name);
		if (known != null) {
			return Optional.of(known);
		}
		byte[] generation = await(this.redis.commands()
			.hget(addressOf(name).keys()[0], RedisJobQueue.bytes("gen"))
			.toCompletableFuture());
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
		Defined defined = await(define(name, this.settings.defaults(), "", true));
		return known(name, defined);
	}

	@Override
	public boolean configure(String name, QueueConfig config) {
		Objects.requireNonNull(config, "config").requireFitFor(QueueNames.requireValid(name));
		if (!this.queues.containsKey(name) && find(name).isEmpty()) {
			requireRoomFor(name);
		}
		Defined defined = await(define(name, config, "", false));
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
				this.redis.commands().srem(this.index, RedisJobQueue.bytes(name));
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
		Address source = addressOf(deadLetterQueue);
		List<byte[]> pick = new ArrayList<>();
		pick.add(RedisJobQueue.bytes(Integer.toString(which.max())));
		pick.add(RedisJobQueue.bytes(Integer.toString(which.homes().size())));
		which.homes().forEach((home) -> pick.add(RedisJobQueue.bytes(home)));
		which.ids().forEach((id) -> pick.add(RedisJobQueue.bytes(id)));
		return run(Script.REDRIVE_PICK, source, new byte[0], pick.toArray(new byte[0][])).thenCompose((picked) -> {
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
			return CompletableFuture.allOf(rooms.values().toArray(new CompletableFuture<?>[0])).thenCompose((done) -> {
				Map<String, Integer> room = new HashMap<>();
				rooms.forEach((home, left) -> room.put(home, left.join()));
				List<byte[]> out = new ArrayList<>();
				Map<String, String> homeOf = new HashMap<>();
				for (String[] job : jobs) {
					int left = room.get(job[1]);
					if (left > 0) {
						room.put(job[1], left - 1);
						out.add(RedisJobQueue.bytes(job[0]));
						out.add(RedisJobQueue.bytes(job[1]));
						homeOf.put(job[0], job[1]);
					}
				}
				if (out.isEmpty()) {
					return CompletableFuture.completedFuture(new Redriven(Map.of(), jobs.size(), List.of()));
				}
				return run(Script.REDRIVE_OUT, source, new byte[0], out.toArray(new byte[0][])).thenApply((moved) -> {
					Map<String, Integer> byHome = new LinkedHashMap<>();
					List<String> ids = new ArrayList<>();
					for (Object id : moved.values()) {
						ids.add(ScriptReply.text(id));
						byHome.merge(homeOf.get(ScriptReply.text(id)), 1, Integer::sum);
					}
					return new Redriven(byHome, jobs.size() - moved.values().size(), ids);
				});
			});
		}).exceptionallyCompose((failure) -> {
			Throwable cause = RedisScripts.unwrap(failure);
			return CompletableFuture.failedFuture((cause instanceof RuntimeException known
					&& (known instanceof QueueNotFoundException || known instanceof BackendUnavailableException))
							? known
							: new BackendUnavailableException(
									"Redis failed for the redrive of " + deadLetterQueue + ": " + cause.getMessage(),
									cause));
		});
	}

	/** Room for more jobs in queue {@code name}: 0 if it does not exist or is closed. */
	private CompletableFuture<Integer> room(String name) {
		return run(Script.SNAPSHOT, addressOf(name), new byte[0]).thenApply((reply) -> {
			if (!reply.is("state") || reply.state().closed()) {
				return 0;
			}
			ScriptReply.State state = reply.state();
			return (int) Math.max(0, state.capacity() - state.ready() - state.delayed());
		});
	}

	@Override
	public boolean delete(String name, boolean discard) {
		QueueNames.requireValid(name);
		RedisJobQueue known = this.queues.get(name);
		if (known != null) {
			// an attempt of its own that finds it gone meanwhile must not redirect
			known.deleting();
		}
		ScriptReply reply = await(
				run(Script.DELETE, addressOf(name), new byte[0], RedisJobQueue.bytes(discard ? "1" : "0")));
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
		this.redis.commands().srem(this.index, RedisJobQueue.bytes(name));
		if (known != null) {
			known.deleted(false);
			// forgotten here too: an attempt of its own that found it gone may have
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
		this.redis.wakeups().removeListener(this.wakeListener);
		for (RedisJobQueue queue : this.queues.values()) {
			queue.stop();
		}
		this.queues.clear();
	}

	// ---- used by the queues

	Scheduler scheduler() {
		return this.settings.scheduler();
	}

	QueueListener listener() {
		return this.settings.listener();
	}

	Duration dedupWindow() {
		return this.settings.dedupWindow();
	}

	Duration timeout() {
		return this.settings.timeout();
	}

	/**
	 * Answers {@code reply} once the replicas asked for have the writes behind it; as
	 * {@code unconfirmed} if fewer did within the timeout.
	 */
	CompletableFuture<ScriptReply> confirm(ScriptReply reply, Address queue) {
		int replicas = this.settings.waitReplicas();
		if (replicas == 0) {
			return CompletableFuture.completedFuture(reply);
		}
		// WAIT gives up before the command timeout, so that its own answer says how
		// many replicas confirmed
		return this.redis.waitForReplicas(queue.keys()[0], replicas, this.settings.timeout().dividedBy(2))
			.handle((acknowledged, failure) -> (failure == null && acknowledged >= replicas) ? reply
					: new ScriptReply("unconfirmed", reply.state(), reply.values()));
	}

	Duration recheckPeriod() {
		return this.settings.recheckPeriod();
	}

	/** Where queue {@code name} lives in Redis. */
	Address addressOf(String name) {
		String base = this.settings.keyPrefix() + ":{" + name + "}:";
		String[] parts = { "meta", "ready", "delayed", "leases", "leased", "payloads", "attempts", "enqueued",
				"origins", "idem", "idemexp", "outbox", "outmeta", "holders" };
		byte[][] keys = new byte[parts.length][];
		for (int i = 0; i < parts.length; i++) {
			keys[i] = RedisJobQueue.bytes(base + parts[i]);
		}
		return new Address(name, keys, RedisJobQueue.bytes(base + "wake"));
	}

	/**
	 * Runs {@code script} for the queue of {@code keys}, with the arguments every script
	 * takes first (see {@code prelude.lua}). The future completes once jobs the script
	 * moved to the dead-letter outbox have been forwarded, or forwarding failed (they
	 * then wait in the outbox for the next script).
	 */
	CompletableFuture<ScriptReply> run(Script script, Address queue, byte[] generation, byte[]... args) {
		return this.scripts.run(script, queue.keys(), args(queue.channel(), generation, args))
			.thenApply(ScriptReply::of)
			.thenCompose((reply) -> (reply.state() != null && reply.state().outbox() > 0)
					? forwardDeadLetters(queue.name()).handle((forwarded, failure) -> {
						// the script's outcome stands; the outbox keeps the jobs, and
						// the next script that finds it non-empty forwards them
						if (failure != null) {
							log.log(System.Logger.Level.WARNING, "queue " + queue.name()
									+ ": dead letters wait in the outbox: " + failure.getMessage());
						}
						return reply;
					}) : CompletableFuture.completedFuture(reply));
	}

	/**
	 * Forgets a queue object that found its queue gone (deleted through any replica); the
	 * listener hears that the queue went.
	 */
	/**
	 * The queue that now has {@code old}'s name, looked up in Redis (never waiting on
	 * Redis): a new generation is adopted. If the name has no queue, {@code create} (a
	 * put waits for the answer) and auto-creation make one, as {@link #obtain} would;
	 * else {@code null}.
	 */
	CompletableFuture<RedisJobQueue> successor(RedisJobQueue old, boolean create) {
		String name = old.name();
		return this.redis.commands()
			.hget(addressOf(name).keys()[0], RedisJobQueue.bytes("gen"))
			.toCompletableFuture()
			.thenCompose((generation) -> {
				if (generation != null) {
					String current = ScriptReply.text(generation);
					return CompletableFuture
						.completedFuture(current.equals(old.generation()) ? null : adopt(name, current));
				}
				if (!create || !this.settings.autoCreate()) {
					return CompletableFuture.completedFuture(null);
				}
				return this.redis.commands().scard(this.index).toCompletableFuture().thenCompose((count) -> {
					if (count >= this.settings.maxQueues()) {
						throw new TooManyQueuesException(name, this.settings.maxQueues());
					}
					return define(name, this.settings.defaults(), "", true);
				}).thenCompose((defined) -> {
					if (!defined.created()) {
						return CompletableFuture.completedFuture(adopt(name, defined.generation()));
					}
					return this.redis.commands()
						.sadd(this.index, RedisJobQueue.bytes(name))
						.toCompletableFuture()
						.thenApply((added) -> adopt(name, defined.generation()));
				});
			});
	}

	void forget(RedisJobQueue queue) {
		if (this.queues.remove(queue.name(), queue)) {
			this.settings.listener().queueDeleted(queue.name());
		}
	}

	/**
	 * {@code queue} hears its wake channel from now on; once the subscription is
	 * confirmed, it looks at its state (a wake-up published before was not heard).
	 * Another queue of the name that hears it already has it subscribed.
	 */
	void listen(RedisJobQueue queue) {
		synchronized (this.listening) {
			Set<RedisJobQueue> heard = this.listening.computeIfAbsent(queue.name(), (name) -> new HashSet<>());
			// the confirmation comes on the connection's thread, never the caller's
			// (which
			// holds the queue's lock); without one the recheck stands in
			if (heard.add(queue) && heard.size() == 1) {
				this.redis.wakeups().async().ssubscribe(addressOf(queue.name()).channel()).thenRun(queue::look);
			}
		}
	}

	/** {@code queue} no longer hears its wake channel. */
	void unlisten(RedisJobQueue queue) {
		synchronized (this.listening) {
			Set<RedisJobQueue> heard = this.listening.get(queue.name());
			if (heard != null && heard.remove(queue) && heard.isEmpty()) {
				this.listening.remove(queue.name());
				if (this.redis.wakeups().isOpen()) {
					this.redis.wakeups().async().sunsubscribe(addressOf(queue.name()).channel());
				}
			}
		}
	}

	/**
	 * Creates or changes queue {@code name}.
	 * @param generation the generation to change, or empty for whichever exists
	 * @param createOnly whether to leave an existing queue as it is
	 * @return what happened; its generation is {@code null} if the generation asked for
	 * is gone
	 */
	CompletableFuture<Defined> define(String name, QueueConfig config, String generation, boolean createOnly) {
		String deadLetterQueue = config.deadLetterQueue();
		return run(Script.DEFINE, addressOf(name), RedisJobQueue.bytes(generation),
				RedisJobQueue.bytes(UUID.randomUUID().toString()),
				RedisJobQueue.bytes(Integer.toString(config.capacity())),
				RedisJobQueue.bytes(Long.toString(config.leaseTimeout().toMillis())),
				RedisJobQueue.bytes(Integer.toString(config.maxAttempts())),
				RedisJobQueue.bytes((deadLetterQueue != null) ? deadLetterQueue : ""),
				RedisJobQueue.bytes(config.deadLetterQueueFor(name)), RedisJobQueue.bytes(createOnly ? "1" : "0"))
			.thenApply((reply) -> {
				if (reply.is("missing")) {
					return new Defined(null, false, null);
				}
				Defined defined = new Defined(reply.text(0), reply.is("created"), reply.state());
				RedisJobQueue known = this.queues.get(name);
				if (known != null && known.generation().equals(defined.generation()) && defined.state() != null) {
					known.learn(defined.state());
				}
				return defined;
			});
	}

	/**
	 * Moves the jobs waiting in {@code source}'s dead-letter outbox to their dead-letter
	 * queues (created with the defaults if need be), then takes them out of the outbox.
	 * Runs after any forwarding of the same outbox already under way here. A job still in
	 * its dead-letter queue is not added twice; two replicas forwarding one outbox at the
	 * same moment could add again a job already acked there (at-least-once).
	 */
	CompletableFuture<Void> forwardDeadLetters(String source) {
		CompletableFuture<Void> next = new CompletableFuture<>();
		CompletableFuture<Void> before = this.forwarding.put(source, next);
		CompletableFuture<Void> round = (before != null)
				? before.handle((done, failure) -> null).thenCompose((done) -> forwardRound(source))
				: forwardRound(source);
		round.whenComplete((done, failure) -> {
			this.forwarding.remove(source, next);
			if (failure != null) {
				next.completeExceptionally(failure);
			}
			else {
				next.complete(null);
			}
		});
		return next;
	}

	/** One pass over {@code source}'s outbox, in batches. */
	private CompletableFuture<Void> forwardRound(String source) {
		byte[][] sourceKeys = addressOf(source).keys();
		return this.scripts
			.run(Script.OUTBOX, sourceKeys,
					args(new byte[0], new byte[0], RedisJobQueue.bytes(Integer.toString(FORWARD_BATCH)),
							RedisJobQueue.bytes(Integer.toString(FORWARD_BYTES))))
			.thenApply(ScriptReply::of)
			.thenCompose((reply) -> {
				// only a round cut short by its count or its byte budget is followed by
				// another: dead letters that keep coming are forwarded by the requests
				// that
				// made them, and rounds that went on until the outbox is empty would hold
				// those requests' answers for as long as they come
				boolean more = reply.number(0) == 1;
				List<Object> entries = reply.values().subList(1, reply.values().size());
				if (entries.isEmpty()) {
					return CompletableFuture.completedFuture(null);
				}
				Map<String, List<List<Object>>> byTarget = new LinkedHashMap<>();
				for (Object entry : entries) {
					@SuppressWarnings("unchecked")
					List<Object> fields = (List<Object>) entry;
					byTarget.computeIfAbsent(ScriptReply.text(fields.get(1)), (target) -> new ArrayList<>())
						.add(fields);
				}
				CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
				for (Map.Entry<String, List<List<Object>>> target : byTarget.entrySet()) {
					chain = chain.thenCompose((done) -> arrive(source, target.getKey(), target.getValue()));
				}
				return chain.thenCompose((done) -> {
					byte[][] ids = new byte[entries.size()][];
					for (int i = 0; i < entries.size(); i++) {
						ids[i] = (byte[]) ((List<?>) entries.get(i)).get(0);
					}
					return this.scripts.run(Script.FORWARDED, sourceKeys, args(new byte[0], new byte[0], ids));
				}).thenCompose((done) -> more ? forwardRound(source) : CompletableFuture.completedFuture(null));
			});
	}

	// ---- inside

	private CompletableFuture<Void> arrive(String source, String target, List<List<Object>> entries) {
		QueueConfig defaults = this.settings.defaults();
		List<byte[]> args = new ArrayList<>();
		args.add(RedisJobQueue.bytes(UUID.randomUUID().toString()));
		args.add(RedisJobQueue.bytes(Integer.toString(defaults.capacity())));
		args.add(RedisJobQueue.bytes(Long.toString(defaults.leaseTimeout().toMillis())));
		args.add(RedisJobQueue.bytes(Integer.toString(defaults.maxAttempts())));
		args.add(RedisJobQueue.bytes(QueueNames.deadLetterQueueOf(target)));
		for (List<Object> entry : entries) {
			args.add((byte[]) entry.get(0));
			args.add((byte[]) entry.get(4));
			String reason = ScriptReply.text(entry.get(2));
			// a redriven job goes home as a fresh one: no origin
			args.add(RedisJobQueue
				.bytes(REDRIVE.equals(reason) ? "" : source + "\n" + reason + "\n" + ScriptReply.text(entry.get(3))));
		}
		// not run(): that would wait for the target's own outbox to be forwarded, and a
		// redrive forwards from a dead-letter queue to its source while the source
		// forwards
		// to the dead-letter queue: each would wait for the other's round, for ever. The
		// target's outbox is forwarded on the side instead.
		Address to = addressOf(target);
		return this.scripts.run(Script.ARRIVE, to.keys(), args(to.channel(), new byte[0], args.toArray(new byte[0][])))
			.thenApply(ScriptReply::of)
			.thenCompose((reply) -> {
				// on a Redis thread: nothing here may wait for Redis
				if (reply.state() != null && reply.state().outbox() > 0) {
					forwardDeadLetters(target).exceptionally((failure) -> {
						log.log(System.Logger.Level.WARNING,
								"queue " + target + ": dead letters wait in the outbox: " + failure.getMessage());
						return null;
					});
				}
				boolean created = reply.number(2) == 1;
				RedisJobQueue queue = adopt(target, reply.text(0));
				for (long i = 0; i < reply.number(1); i++) {
					this.settings.listener().enqueued(target);
				}
				queue.learn(reply.state());
				return created ? this.redis.commands()
					.sadd(this.index, RedisJobQueue.bytes(target))
					.thenApply((added) -> (Void) null)
					.toCompletableFuture() : CompletableFuture.completedFuture(null);
			});
	}

	/**
	 * The queue object of {@code name} after {@code defined}; registers a new queue in
	 * the index.
	 */
	private RedisJobQueue known(String name, Defined defined) {
		// every time, not only when created: the queue and its entry in the index cannot
		// be made in one script (on a cluster they live in different slots), so a replica
		// that died between the two leaves a queue that the next define lists again
		await(this.redis.commands().sadd(this.index, RedisJobQueue.bytes(name)).toCompletableFuture());
		return adopt(name, defined.generation());
	}

	/**
	 * The queue object for generation {@code generation} of {@code name}; one of an older
	 * generation is told its queue is gone. The listener hears of a queue when this
	 * replica first meets it, whichever replica created it, so that every replica serving
	 * a queue has its meters.
	 */
	private RedisJobQueue adopt(String name, String generation) {
		RedisJobQueue[] replaced = { null };
		boolean[] fresh = { false };
		RedisJobQueue queue = this.queues.compute(name, (key, existing) -> {
			if (existing != null && existing.generation().equals(generation)) {
				return existing;
			}
			replaced[0] = existing;
			fresh[0] = true;
			return new RedisJobQueue(name, generation, this);
		});
		if (replaced[0] != null) {
			replaced[0].deleted(true);
		}
		if (fresh[0]) {
			this.settings.listener().queueCreated(name);
		}
		return queue;
	}

	private void wake(byte[] channel) {
		String text = new String(channel, StandardCharsets.UTF_8);
		String head = this.settings.keyPrefix() + ":{";
		String tail = "}:wake";
		if (text.startsWith(head) && text.endsWith(tail)) {
			RedisJobQueue queue = this.queues.get(text.substring(head.length(), text.length() - tail.length()));
			if (queue != null) {
				queue.nudge();
			}
		}
	}

	private void requireRoomFor(String name) {
		long count = await(this.redis.commands().scard(this.index).toCompletableFuture());
		if (count >= this.settings.maxQueues()) {
			throw new TooManyQueuesException(name, this.settings.maxQueues());
		}
	}

	/** Now, the generation, the wake channel and this replica's id, then {@code args}. */
	private byte[][] args(byte[] channel, byte[] generation, byte[]... args) {
		byte[][] all = new byte[args.length + 4][];
		all[0] = RedisJobQueue.bytes(Long.toString(this.settings.scheduler().now().toEpochMilli()));
		all[1] = generation;
		all[2] = channel;
		all[3] = this.replica;
		System.arraycopy(args, 0, all, 4, args.length);
		return all;
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
	 * Where a queue lives in Redis.
	 *
	 * @param name the queue's name
	 * @param keys its keys, in the order of {@code prelude.lua}
	 * @param channel its wake channel
	 */
	record Address(String name, byte[][] keys, byte[] channel) {

	}

	/**
	 * What a define (or an arrival that may create a queue) did.
	 *
	 * @param generation the queue's generation, or {@code null} if it is gone
	 * @param created whether the queue was created
	 * @param state the queue's state after it, if reported
	 */
	record Defined(String generation, boolean created, ScriptReply.State state) {

	}

}
