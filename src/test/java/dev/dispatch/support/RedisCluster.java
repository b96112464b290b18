package dev.dispatch.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A real Redis Cluster for tests: three primaries, without replicas or with one each
 * ({@link #startWithReplicas}, for failovers), on free loopback ports, each
 * {@code redis-server} in a temporary directory of its own and persisting nothing.
 * Without {@code redis-server} and {@code redis-cli} on the machine, {@link #start} skips
 * the test on a developer's machine and fails it on CI (see {@link ExternalTool}).
 *
 * <p>
 * {@link #start} returns once every node reports {@code cluster_state:ok}, so every slot
 * is served; {@link #close} stops the nodes and deletes their directories. An instance
 * belongs to the test thread that started it and is not thread-safe; nodes still running
 * when the JVM exits are killed as {@link RedisServer}'s are.
 */
public final class RedisCluster implements AutoCloseable {

	private static final String INSTALL = "Debian: apt-get install redis-server redis-tools";

	private static final int PRIMARIES = 3;

	private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration OK_TIMEOUT = Duration.ofSeconds(15);

	private static final Duration OK_POLL = Duration.ofMillis(100);

	private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);

	/** The nodes, in the order given to {@code redis-cli --cluster create}. */
	private final List<RedisServer> servers;

	/** Replicas per primary: 0 or 1. */
	private final int replicas;

	private RedisCluster(List<RedisServer> servers, int replicas) {
		this.servers = servers;
		this.replicas = replicas;
	}

	/**
	 * Starts three cluster-enabled redis-servers, joins them into a cluster that splits
	 * the 16384 slots between them, and waits until every node reports
	 * {@code cluster_state:ok} (at most 15 s).
	 * @return the running cluster; close it
	 * @throws IllegalStateException if a node does not start, {@code redis-cli} fails to
	 * create the cluster, or the cluster is not ok in time; the message says why
	 */
	public static RedisCluster start() {
		return start(0, 5000);
	}

	/**
	 * As {@link #start}, with a replica for each primary (six nodes), which takes over
	 * once its primary has not answered for a second ({@code cluster-node-timeout 1000},
	 * whatever the replica's lag: {@code cluster-replica-validity-factor 0}).
	 */
	public static RedisCluster startWithReplicas() {
		return start(1, 1000);
	}

	private static RedisCluster start(int replicas, int nodeTimeoutMillis) {
		Path server = ExternalTool.require("redis-server", INSTALL);
		Path cli = ExternalTool.require("redis-cli", INSTALL);
		List<RedisServer> started = new ArrayList<>();
		try {
			for (int i = 0; i < PRIMARIES * (1 + replicas); i++) {
				started.add(RedisServer.startClusterNode(server, "cluster-enabled yes",
						"cluster-config-file nodes.conf", "cluster-node-timeout " + nodeTimeoutMillis,
						"cluster-replica-validity-factor 0", "appendonly no"));
			}
			RedisCluster cluster = new RedisCluster(List.copyOf(started), replicas);
			cluster.create(cli);
			cluster.awaitOk();
			return cluster;
		}
		catch (RuntimeException | Error ex) {
			for (RedisServer node : started) {
				try {
					node.close();
				}
				catch (RuntimeException closing) {
					ex.addSuppressed(closing);
				}
			}
			throw ex;
		}
	}

	/** The nodes' addresses, {@code 127.0.0.1:port}: a cluster client's seeds. */
	public List<String> nodes() {
		return this.servers.stream().map((node) -> node.host() + ":" + node.port()).toList();
	}

	/** The nodes' client ports, in the order of {@link #nodes()}. */
	public List<Integer> ports() {
		return this.servers.stream().map(RedisServer::port).toList();
	}

	/** Deletes every key on every node: {@code FLUSHALL} on each. */
	public void flushAll() {
		this.servers.forEach(RedisServer::flushAll);
	}

	/**
	 * Sends one single-key command to the first node, following a {@code MOVED}
	 * redirection to the node that owns the key's slot; replies as
	 * {@link RedisServer#command}.
	 * @param arguments the command and its arguments, such as {@code "SET", "k", "v"}
	 */
	public String command(String... arguments) {
		try {
			return RedisServer.commandAt(this.servers.getFirst().port(), arguments);
		}
		catch (RedisServer.ErrorReply reply) {
			String[] words = reply.getMessage().split(" ");
			if (!words[0].equals("MOVED")) {
				throw reply;
			}
			String owner = words[2];
			return RedisServer.commandAt(Integer.parseInt(owner.substring(owner.lastIndexOf(':') + 1)), arguments);
		}
	}

	/**
	 * Stops every node (see {@link RedisServer#close}) and deletes their directories.
	 * Closing it again does nothing.
	 */
	@Override
	public void close() {
		RuntimeException failure = null;
		for (RedisServer node : this.servers) {
			try {
				node.close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "RedisCluster" + nodes();
	}

	private void create(Path cli) {
		List<String> command = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
		command.addAll(nodes());
		command.addAll(List.of("--cluster-replicas", Integer.toString(this.replicas), "--cluster-yes"));
		RedisServer.runTool(CREATE_TIMEOUT, command);
	}

	/**
	 * The primary serving {@code key}'s slot, as a node that answers says.
	 */
	public RedisServer primaryOf(String key) {
		int slot = Integer.parseInt(live().command("CLUSTER", "KEYSLOT", key));
		for (String line : live().command("CLUSTER", "NODES").lines().toList()) {
			String[] fields = line.split(" ");
			if (!fields[2].contains("master") || fields[2].contains("fail")) {
				continue;
			}
			for (int i = 8; i < fields.length; i++) {
				String[] range = fields[i].split("-");
				if (range[0].startsWith("[")) {
					continue;
				}
				int from = Integer.parseInt(range[0]);
				int to = Integer.parseInt(range[range.length - 1]);
				if (from <= slot && slot <= to) {
					return node(fields[1]);
				}
			}
		}
		throw new IllegalStateException("no primary serves the slot of " + key + ": " + nodesSeen());
	}

	/**
	 * Kills the primary serving {@code key}'s slot with SIGKILL and waits until its
	 * replica has taken over and every node left reports {@code cluster_state:ok}, at
	 * most 30 s.
	 * @return the killed node, to {@link #rejoin} later
	 */
	public RedisServer failOver(String key) {
		RedisServer old = primaryOf(key);
		old.kill();
		awaitSettled("a replica of " + old + " to take over", () -> primaryOf(key) != old);
		return old;
	}

	/**
	 * Starts a killed node again, on its port and with its cluster configuration, and
	 * waits until it is the replica of the primary that took its place, in sync, at most
	 * 30 s.
	 */
	public void rejoin(RedisServer old) {
		// without persistence it comes back empty, still sure it serves its slots:
		// clients
		// that have not yet learned of the failover would be answered from an empty
		// database until the cluster demotes it, so it lets no client in until then
		old.restartGuarded();
		awaitSettled("node " + old + " to be demoted", () -> old.command("INFO", "replication").contains("role:slave"));
		old.unguard();
		awaitSettled("node " + old + " to rejoin as a replica", () -> {
			String replication = old.command("INFO", "replication");
			return replication.contains("role:slave") && replication.contains("master_link_status:up");
		});
	}

	private void awaitSettled(String what, BooleanSupplier done) {
		long deadline = System.nanoTime() + FAILOVER_TIMEOUT.toNanos();
		while (!settled(done)) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("waited " + FAILOVER_TIMEOUT + " for " + what + "; " + nodesSeen());
			}
			pause();
		}
	}

	private boolean settled(BooleanSupplier done) {
		try {
			return done.getAsBoolean() && running().stream()
				.allMatch((node) -> node.command("CLUSTER", "INFO").contains("cluster_state:ok"));
		}
		catch (RuntimeException notYet) {
			return false;
		}
	}

	private List<RedisServer> running() {
		return this.servers.stream().filter(RedisServer::isRunning).toList();
	}

	private RedisServer live() {
		return running().getFirst();
	}

	/** The node at {@code address}, {@code ip:port@bus}. */
	private RedisServer node(String address) {
		int port = Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
		return this.servers.stream()
			.filter((server) -> server.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no node of this cluster at " + address));
	}

	private String nodesSeen() {
		try {
			return "CLUSTER NODES:\n" + live().command("CLUSTER", "NODES");
		}
		catch (RuntimeException ex) {
			return "(CLUSTER NODES failed: " + ex.getMessage() + ")";
		}
	}

	private static void pause() {
		try {
			Thread.sleep(OK_POLL);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted waiting for the cluster", ex);
		}
	}

	private void awaitOk() {
		long deadline = System.nanoTime() + OK_TIMEOUT.toNanos();
		List<String> states = states();
		while (!states.stream().allMatch((info) -> info.contains("cluster_state:ok"))) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("cluster " + nodes() + " not ok within " + OK_TIMEOUT
						+ "; CLUSTER INFO of each node:\n" + String.join("\n", states));
			}
			try {
				Thread.sleep(OK_POLL);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted waiting for cluster " + nodes(), ex);
			}
			states = states();
		}
	}

	private List<String> states() {
		return this.servers.stream().map((node) -> node.command("CLUSTER", "INFO")).toList();
	}

}
