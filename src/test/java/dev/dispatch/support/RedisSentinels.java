package dev.dispatch.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A real Redis primary with one replica behind three Redis Sentinels, for tests, every
 * process on a free loopback port, in a temporary directory of its own and persisting
 * nothing. Without {@code redis-server} on the machine, {@link #start} skips the test on
 * a developer's machine and fails it on CI (see {@link ExternalTool}).
 *
 * <table>
 * <caption>Operations</caption>
 * <tr>
 * <th>Operation</th>
 * <th>Effect</th>
 * <th>Waits (then fails, saying what it saw)</th>
 * </tr>
 * <tr>
 * <td>{@link #start}</td>
 * <td>a primary, a replica of it, three sentinels monitoring it (quorum 2, down after 1
 * s)</td>
 * <td>until the replica is in sync and every sentinel knows the replica and the two other
 * sentinels, at most 30 s</td>
 * </tr>
 * <tr>
 * <td>{@link #failOver}</td>
 * <td>SIGKILL to the primary the sentinels name</td>
 * <td>until the sentinels name the replica and it is a primary, at most 30 s</td>
 * </tr>
 * <tr>
 * <td>{@link #rejoin}</td>
 * <td>starts a killed server again on its port</td>
 * <td>until it is the primary's replica and in sync, at most 30 s</td>
 * </tr>
 * <tr>
 * <td>{@link #close}</td>
 * <td>stops every process, deletes the directories; idempotent</td>
 * <td>until the processes are gone</td>
 * </tr>
 * </table>
 *
 * <p>
 * An instance belongs to the test thread that started it and is not thread-safe;
 * processes still running when the JVM exits are killed as {@link RedisServer}'s are.
 */
public final class RedisSentinels implements AutoCloseable {

	/** The name the sentinels know the primary by. */
	public static final String PRIMARY_NAME = "dispatch";

	private static final String INSTALL = "Debian: apt-get install redis-server";

	private static final int SENTINELS = 3;

	private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration POLL = Duration.ofMillis(50);

	/** The primary and the replica, whichever is which at the moment. */
	private final List<RedisServer> data;

	private final List<RedisServer> sentinels;

	private RedisSentinels(List<RedisServer> data, List<RedisServer> sentinels) {
		this.data = data;
		this.sentinels = sentinels;
	}

	/**
	 * Starts a primary, its replica and three sentinels, and waits until they know each
	 * other.
	 * @param extraConfig extra {@code redis.conf} lines for the primary and the replica,
	 * as {@link RedisServer#start} takes them
	 * @return the running set; close it
	 */
	public static RedisSentinels start(String... extraConfig) {
		Path executable = ExternalTool.require("redis-server", INSTALL);
		List<RedisServer> data = new ArrayList<>();
		List<RedisServer> sentinels = new ArrayList<>();
		try {
			RedisServer primary = RedisServer.start(extraConfig);
			data.add(primary);
			List<String> replicaConfig = new ArrayList<>(List.of(extraConfig));
			replicaConfig.add("replicaof " + primary.host() + " " + primary.port());
			data.add(RedisServer.start(replicaConfig.toArray(String[]::new)));
			RedisSentinels started = new RedisSentinels(data, sentinels);
			started.awaitInSync(primary, data.get(1));
			for (int i = 0; i < SENTINELS; i++) {
				sentinels.add(RedisServer.startSentinel(executable,
						List.of("sentinel monitor " + PRIMARY_NAME + " " + primary.host() + " " + primary.port() + " 2",
								"sentinel down-after-milliseconds " + PRIMARY_NAME + " 1000",
								"sentinel failover-timeout " + PRIMARY_NAME + " 4000",
								"sentinel parallel-syncs " + PRIMARY_NAME + " 1")));
			}
			started
				.await("every sentinel to know the replica and the other sentinels",
						() -> started.sentinels.stream()
							.allMatch((sentinel) -> sentinelInfo(sentinel).contains("status=ok,address="
									+ primary.host() + ":" + primary.port() + ",slaves=1,sentinels=" + SENTINELS)),
						started::describe);
			return started;
		}
		catch (RuntimeException | Error ex) {
			closeAll(ex, sentinels);
			closeAll(ex, data);
			throw ex;
		}
	}

	/** The sentinels' addresses, {@code 127.0.0.1:port}: a client's seeds. */
	public List<String> sentinelNodes() {
		return this.sentinels.stream().map((sentinel) -> sentinel.host() + ":" + sentinel.port()).toList();
	}

	/** The primary as the sentinels name it now. */
	public RedisServer primary() {
		for (RedisServer sentinel : this.sentinels) {
			Optional<RedisServer> named = named(sentinel);
			if (named.isPresent()) {
				return named.get();
			}
		}
		throw new IllegalStateException("no sentinel names a primary: " + describe());
	}

	/**
	 * Kills the primary with SIGKILL and waits until the sentinels have promoted its
	 * replica.
	 * @return the killed server, to {@link #rejoin} later
	 */
	public RedisServer failOver() {
		RedisServer old = primary();
		old.kill();
		await("the sentinels to promote a replica of " + old, () -> this.sentinels.stream().allMatch((sentinel) -> {
			Optional<RedisServer> named = named(sentinel);
			return named.isPresent() && named.get() != old && isPrimary(named.get());
		}), this::describe);
		return old;
	}

	/**
	 * Starts a killed server again as a replica of the primary the sentinels name now (as
	 * an operator or a Kubernetes init step that asks them does: started as it was, an
	 * empty primary, the sentinels would turn it into one after several seconds, and
	 * might meanwhile take it for the primary again), not to be promoted before it is in
	 * sync (promoted during its first sync, it would be promoted empty), and waits until
	 * the sentinels name a primary whose replica is in sync; then it may be promoted.
	 * Should the sentinels fail over once more after that (a loaded machine can make the
	 * new primary miss its down-after), the old server is primary again, a failover like
	 * any other: the pair is as the next round expects it, a primary and a replica in
	 * sync.
	 */
	public void rejoin(RedisServer old) {
		RedisServer current = primary();
		old.restartAsReplicaOf(current.host(), current.port());
		await("the sentinels to make " + old + " a replica", () -> awaitable(() -> {
			RedisServer primary = primary();
			return this.data.stream()
				.filter((server) -> server != primary)
				.allMatch((server) -> isInSync(primary, server));
		}), this::describe);
		old.promotable();
		if (primary() == old) {
			System.out.println("the sentinels failed over again while " + old + " rejoined: it is the primary again");
			for (RedisServer server : this.sentinels) {
				System.out.println("sentinel " + server + ":\n" + server.log());
			}
			for (RedisServer server : this.data) {
				System.out.println(server + ":\n" + server.log());
			}
		}
	}

	@Override
	public void close() {
		RuntimeException failure = new RuntimeException("closing " + this);
		closeAll(failure, this.sentinels);
		closeAll(failure, this.data);
		if (failure.getSuppressed().length > 0) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "RedisSentinels" + sentinelNodes();
	}

	// ---- inside

	private void awaitInSync(RedisServer primary, RedisServer replica) {
		await("replica " + replica + " to be in sync with " + primary,
				() -> awaitable(() -> isInSync(primary, replica)), this::describe);
	}

	/**
	 * Whether {@code replica} replicates {@code primary} and the primary counts it
	 * online.
	 */
	private static boolean isInSync(RedisServer primary, RedisServer replica) {
		String mine = replica.command("INFO", "replication");
		return mine.contains("role:slave") && mine.contains("master_port:" + primary.port())
				&& mine.contains("master_link_status:up")
				&& primary.command("INFO", "replication").contains("port=" + replica.port() + ",state=online");
	}

	private static boolean isPrimary(RedisServer server) {
		return awaitable(() -> server.command("INFO", "replication").contains("role:master"));
	}

	/** The data server {@code sentinel} names as the primary, if it answers. */
	private Optional<RedisServer> named(RedisServer sentinel) {
		String info;
		try {
			info = sentinelInfo(sentinel);
		}
		catch (RuntimeException unreachable) {
			return Optional.empty();
		}
		return this.data.stream()
			.filter((server) -> info.contains(",address=" + server.host() + ":" + server.port() + ","))
			.findFirst();
	}

	private static String sentinelInfo(RedisServer sentinel) {
		return sentinel.command("INFO", "sentinel");
	}

	/** What every process says of the replication, for failure messages. */
	private String describe() {
		StringBuilder state = new StringBuilder();
		for (RedisServer server : this.data) {
			state.append('\n').append(server).append(": ").append(quietly(() -> server.command("INFO", "replication")));
		}
		for (RedisServer sentinel : this.sentinels) {
			state.append('\n')
				.append("sentinel ")
				.append(sentinel)
				.append(": ")
				.append(quietly(() -> sentinelInfo(sentinel)));
		}
		return state.toString();
	}

	/** A check that counts an unreachable server as "not yet". */
	private static boolean awaitable(BooleanSupplier check) {
		try {
			return check.getAsBoolean();
		}
		catch (RuntimeException notYet) {
			return false;
		}
	}

	private static String quietly(Supplier<String> read) {
		try {
			return read.get();
		}
		catch (RuntimeException ex) {
			return "(" + ex.getMessage() + ")";
		}
	}

	private void await(String what, BooleanSupplier done, Supplier<String> state) {
		long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
		while (!done.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("waited " + SETTLE_TIMEOUT + " for " + what + "; " + state.get());
			}
			try {
				Thread.sleep(POLL);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted waiting for " + what, ex);
			}
		}
	}

	private static void closeAll(Throwable failure, List<RedisServer> servers) {
		for (RedisServer server : servers) {
			try {
				server.close();
			}
			catch (RuntimeException closing) {
				failure.addSuppressed(closing);
			}
		}
	}

}
