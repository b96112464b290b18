package dev.dispatch.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis Cluster for tests: three primaries, no replicas, on free loopback ports,
 * each {@code redis-server} in a temporary directory of its own and persisting nothing.
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

	/** The nodes, in the order given to {@code redis-cli --cluster create}. */
	private final List<RedisServer> servers;

	private RedisCluster(List<RedisServer> servers) {
		this.servers = servers;
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
		Path server = ExternalTool.require("redis-server", INSTALL);
		Path cli = ExternalTool.require("redis-cli", INSTALL);
		List<RedisServer> started = new ArrayList<>();
		try {
			for (int i = 0; i < PRIMARIES; i++) {
				started.add(RedisServer.startClusterNode(server, "cluster-enabled yes",
						"cluster-config-file nodes.conf", "cluster-node-timeout 5000", "appendonly no"));
			}
			RedisCluster cluster = new RedisCluster(List.copyOf(started));
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
		command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		RedisServer.runTool(CREATE_TIMEOUT, command);
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
