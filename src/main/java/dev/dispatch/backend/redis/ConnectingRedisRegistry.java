package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Redrive;
import dev.dispatch.queue.Redriven;

/**
 * The Redis backend's registry from the moment the service starts, whether Redis answers
 * then or only later: a service whose Redis starts after it (or restarts with it) starts
 * all the same, is not ready, answers every operation {@link BackendUnavailableException}
 * (HTTP 503 {@code backend-unavailable}), and serves as soon as Redis answers.
 *
 * <table>
 * <caption>Life cycle</caption>
 * <tr>
 * <th>state</th>
 * <th>operations</th>
 * <th>{@link #checkAvailable}</th>
 * <th>leaves it</th>
 * </tr>
 * <tr>
 * <td>waiting: no connection</td>
 * <td>fail with {@link BackendUnavailableException}</td>
 * <td>fails</td>
 * <td>once a connection attempt succeeds (one at construction, then one every retry
 * period on a thread of its own)</td>
 * </tr>
 * <tr>
 * <td>connected: the {@link RedisQueueRegistry} exists, the actions of
 * {@link #whenAvailable} run</td>
 * <td>handed to it</td>
 * <td>fails</td>
 * <td>once every action has run without failing (a failed one is run again after the
 * retry period)</td>
 * </tr>
 * <tr>
 * <td>available</td>
 * <td>handed to it</td>
 * <td>asks Redis ({@code PING})</td>
 * <td>{@link #close}: for good</td>
 * </tr>
 * </table>
 *
 * <p>
 * Once connected it stays so: Lettuce reconnects by itself after a connection breaks.
 * Thread-safe.
 */
final class ConnectingRedisRegistry implements QueueRegistry, AutoCloseable {

	/*-
	 * Design notes.
	 *
	 * One lock guards the state: the connections and the registry (null until the first
	 * connection attempt succeeds), the actions still to run, whether every action ran
	 * (available), and closed. The hot path reads the volatile field registry without
	 * the lock; it is written once, under the lock.
	 *
	 * The first attempt runs on the constructing thread, so that a service whose Redis
	 * answers starts as before: actions given to whenAvailable then run at once on the
	 * caller's thread, and their failure is the caller's (a declared queue that cannot
	 * be made fails the start). Otherwise one virtual thread, the connector, tries again
	 * every retry period until it connects, then runs the actions given so far — outside
	 * the lock: they call back into this registry — and again any given meanwhile, until
	 * none is left; an action that fails (Redis gone again) is kept and tried again one
	 * period later. Close stops the connector and closes what it opened, also when it
	 * opens connections while close runs (it checks closed under the lock before it
	 * publishes them).
	 */

	private static final System.Logger log = System.getLogger(ConnectingRedisRegistry.class.getName());

	private final Supplier<RedisConnections> connect;

	private final Function<RedisConnections, RedisQueueRegistry> build;

	private final QueueConfig defaults;

	private final boolean autoCreate;

	private final Duration retryPeriod;

	/** Where Redis is, for the log and for failures: never a password. */
	private final String where;

	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled when closed, to wake the connector from its pause. */
	private final Condition closing = this.lock.newCondition();

	/** The registry's connections; null until connected. Guarded by lock. */
	private RedisConnections connections;

	/** The registry on Redis; null until connected. Written under lock. */
	private volatile RedisQueueRegistry registry;

	/** Actions of {@link #whenAvailable} not yet run without failing. Guarded by lock. */
	private final List<Runnable> pending = new ArrayList<>();

	/** Whether connected and every action ran. Written under lock. */
	private volatile boolean available;

	/**
	 * Why the last connection attempt or action failed; for failures. Guarded by lock.
	 */
	private String lastFailure = "not tried yet";

	/** Guarded by lock. */
	private boolean closed;

	/** The connector, while one runs. Guarded by lock. */
	private Thread connector;

	/**
	 * Makes one connection attempt at once; if it fails, says so in one log line and
	 * keeps trying on a thread of its own.
	 * @param connect opens the connections; throws if Redis does not answer
	 * @param build the registry on the connections
	 * @param defaults the configuration of queues created on demand
	 * @param autoCreate whether puts on unknown queues create them
	 * @param retryPeriod the pause between two connection attempts
	 * @param where where Redis is, such as {@code Redis at 10.0.0.1:6379}
	 */
	ConnectingRedisRegistry(Supplier<RedisConnections> connect, Function<RedisConnections, RedisQueueRegistry> build,
			QueueConfig defaults, boolean autoCreate, Duration retryPeriod, String where) {
		this.connect = connect;
		this.build = build;
		this.defaults = Objects.requireNonNull(defaults, "defaults");
		this.autoCreate = autoCreate;
		this.retryPeriod = retryPeriod;
		this.where = where;
		if (attempt()) {
			this.lock.lock();
			try {
				this.available = true;
			}
			finally {
				this.lock.unlock();
			}
			return;
		}
		log.log(System.Logger.Level.WARNING,
				"Waiting for " + where + " (" + lastFailure() + "): not ready, answering 503 backend-unavailable,"
						+ " trying again every " + retryPeriod.toMillis() + " ms");
		this.lock.lock();
		try {
			this.connector = Thread.ofVirtual().name("dispatch-redis-connector").start(this::connectInTheBackground);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Whether connected and every action of {@link #whenAvailable} ran. */
	boolean isAvailable() {
		return this.available;
	}

	@Override
	public void whenAvailable(Runnable action) {
		Objects.requireNonNull(action, "action");
		this.lock.lock();
		try {
			if (!this.available) {
				this.pending.add(action);
				return;
			}
		}
		finally {
			this.lock.unlock();
		}
		action.run();
	}

	@Override
	public Optional<JobQueue> find(String name) {
		return registry().find(name);
	}

	@Override
	public JobQueue obtain(String name) {
		return registry().obtain(name);
	}

	@Override
	public boolean configure(String name, QueueConfig config) {
		return registry().configure(name, config);
	}

	@Override
	public List<JobQueue> list() {
		return registry().list();
	}

	@Override
	public boolean delete(String name, boolean discard) {
		return registry().delete(name, discard);
	}

	@Override
	public CompletableFuture<Redriven> redrive(String deadLetterQueue, Redrive which) {
		return registry().redrive(deadLetterQueue, which);
	}

	@Override
	public QueueConfig defaults() {
		return this.defaults;
	}

	@Override
	public boolean autoCreate() {
		return this.autoCreate;
	}

	@Override
	public void checkAvailable() {
		RedisQueueRegistry current = registry();
		if (!this.available) {
			throw unavailable(this.where + " answers, but what must be in place before serving is not yet");
		}
		current.checkAvailable();
	}

	/** Stops trying to connect; closes the registry, not the connections. */
	@Override
	public void close() {
		Thread stopping;
		RedisQueueRegistry current;
		this.lock.lock();
		try {
			this.closed = true;
			this.closing.signalAll();
			stopping = this.connector;
			current = this.registry;
		}
		finally {
			this.lock.unlock();
		}
		if (stopping != null) {
			stopping.interrupt();
		}
		if (current != null) {
			current.close();
		}
	}

	/**
	 * Closes the connections, if any were opened, and stops trying to open them: when the
	 * application stops, in the phase the connections must close in.
	 */
	void closeConnections() {
		RedisConnections opened;
		this.lock.lock();
		try {
			this.closed = true;
			this.closing.signalAll();
			opened = this.connections;
			this.connections = null;
		}
		finally {
			this.lock.unlock();
		}
		if (opened != null) {
			opened.close();
		}
	}

	// ---- inside

	private RedisQueueRegistry registry() {
		RedisQueueRegistry current = this.registry;
		if (current == null) {
			throw unavailable(this.where + " does not answer yet (" + lastFailure() + ")");
		}
		return current;
	}

	private BackendUnavailableException unavailable(String message) {
		return new BackendUnavailableException(message, null);
	}

	/**
	 * One connection attempt; on success the registry exists.
	 * @return whether it succeeded (false also once closed)
	 */
	private boolean attempt() {
		RedisConnections opened;
		try {
			opened = this.connect.get();
		}
		catch (RuntimeException ex) {
			failed(ex);
			return false;
		}
		this.lock.lock();
		try {
			if (!this.closed) {
				this.connections = opened;
				this.registry = this.build.apply(opened);
				return true;
			}
		}
		finally {
			this.lock.unlock();
		}
		opened.close();
		return false;
	}

	/** The connector's loop; see the design notes. */
	private void connectInTheBackground() {
		try {
			while (!attempt()) {
				if (!pause()) {
					return;
				}
			}
			log.log(System.Logger.Level.INFO, this.where + " answers: serving");
			while (!runPending()) {
				if (!pause()) {
					return;
				}
			}
		}
		finally {
			this.lock.lock();
			try {
				this.connector = null;
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	/**
	 * Runs the pending actions in order, until none is left.
	 * @return true once every one ran (now available), false if one failed (it stays
	 * pending, with those after it)
	 */
	private boolean runPending() {
		while (true) {
			Runnable next;
			this.lock.lock();
			try {
				if (this.pending.isEmpty()) {
					this.available = true;
					return true;
				}
				next = this.pending.getFirst();
			}
			finally {
				this.lock.unlock();
			}
			try {
				next.run();
			}
			catch (RuntimeException ex) {
				failed(ex);
				log.log(System.Logger.Level.WARNING,
						this.where + " answers, but preparing to serve failed; trying again: " + lastFailure());
				return false;
			}
			this.lock.lock();
			try {
				this.pending.removeFirst();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	/**
	 * Waits one retry period, or until closed.
	 * @return false once closed
	 */
	private boolean pause() {
		this.lock.lock();
		try {
			long left = this.retryPeriod.toNanos();
			while (!this.closed && left > 0) {
				left = this.closing.awaitNanos(left);
			}
			return !this.closed;
		}
		catch (InterruptedException ex) {
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void failed(RuntimeException ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String reason = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
		this.lock.lock();
		try {
			this.lastFailure = reason;
		}
		finally {
			this.lock.unlock();
		}
	}

	private String lastFailure() {
		this.lock.lock();
		try {
			return this.lastFailure;
		}
		finally {
			this.lock.unlock();
		}
	}

}
