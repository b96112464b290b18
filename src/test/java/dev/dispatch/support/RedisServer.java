package dev.dispatch.support;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} for tests, on a free loopback port, in a temporary
 * directory of its own, saving nothing to RDB ({@code save ""}). Without
 * {@code redis-server} on the machine, {@link #start} skips the test on a developer's
 * machine and fails it on CI (see {@link ExternalTool}).
 *
 * <table>
 * <caption>Operations</caption>
 * <tr>
 * <th>Operation</th>
 * <th>Effect</th>
 * <th>Waits</th>
 * </tr>
 * <tr>
 * <td>{@link #start}</td>
 * <td>launches redis-server, retrying on fresh ports if another process took the chosen
 * one</td>
 * <td>until it prints "Ready to accept connections", at most 10 s per attempt; then fails
 * with its log</td>
 * </tr>
 * <tr>
 * <td>{@link #kill}</td>
 * <td>SIGKILL: no shutdown, no final fsync</td>
 * <td>until the process is gone</td>
 * </tr>
 * <tr>
 * <td>{@link #restart}</td>
 * <td>launches it again on the same port, data directory and configuration</td>
 * <td>as {@code start}, but one attempt: the port is fixed</td>
 * </tr>
 * <tr>
 * <td>{@link #flushAll}, {@link #command}</td>
 * <td>one command over a plain socket</td>
 * <td>at most 5 s</td>
 * </tr>
 * <tr>
 * <td>{@link #close}</td>
 * <td>SIGTERM (SIGKILL after 5 s), then deletes the directory; idempotent</td>
 * <td>until the process is gone</td>
 * </tr>
 * </table>
 *
 * <p>
 * An instance belongs to the test thread that started it and is not thread-safe. Every
 * redis-server still running when the JVM exits (normally or on SIGTERM or SIGINT) is
 * killed by a shutdown hook, which also deletes the directories of servers never closed;
 * a JVM that is itself SIGKILLed runs no hooks.
 */
public final class RedisServer implements AutoCloseable {

	/*-
	 * Design notes.
	 *
	 * Life cycle, moved only by the owning test thread:
	 *
	 *   start() ----> RUNNING --kill()--> STOPPED --restart()--> RUNNING
	 *                    |                   |
	 *                    +----- close() -----+-----> CLOSED (close() again: nothing)
	 *
	 * One redis-server process ("a run") at a time. Two other threads are involved:
	 *
	 * - Each run has a daemon drain thread reading the child's merged stdout and stderr line
	 *   by line, so the child never blocks on a full pipe. It appends every line to log
	 *   (guarded by log's monitor, so log() can read it while the thread writes) and completes
	 *   the run's ready future: true at "Ready to accept connections", false at end of
	 *   stream, which means the process exited first. The starting thread waits on that
	 *   future; completing it publishes the lines read before it.
	 *
	 * - A JVM shutdown hook SIGKILLs every process in LIVE, a concurrent set that holds each
	 *   child (redis-server or redis-cli) from its start until it has exited, waits briefly
	 *   for them to die, then deletes every directory in UNCLOSED (also a concurrent set) of
	 *   the servers never closed.
	 *
	 * Ports: a free port is found by binding port 0 on loopback and closing the socket at
	 * once. Another process may take it before redis binds it; start() then sees "Address
	 * already in use" in the run's output and tries fresh ports. A cluster node needs a
	 * second port for its cluster bus: redis' default, port + 10000, is past 65535 for most
	 * ephemeral ports, so the bus port is picked the same way and passed as cluster-port.
	 */

	private static final String HOST = "127.0.0.1";

	private static final String INSTALL = "Debian: apt-get install redis-server";

	private static final String READY = "Ready to accept connections";

	/** What a sentinel prints once it monitors its primary. */
	private static final String SENTINEL_READY = "+monitor master";

	private static final String PORT_TAKEN = "Address already in use";

	private static final int START_ATTEMPTS = 5;

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_GRACE = Duration.ofSeconds(5);

	private static final Duration DRAIN_JOIN = Duration.ofSeconds(2);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

	/** Settings the harness owns; extra configuration may not change them. */
	private static final Set<String> OWNED = Set.of("bind", "port", "dir", "daemonize", "cluster-port");

	/** Every child process not yet known to have exited. Thread-safe set. */
	private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

	/** The data directories of the servers not yet closed. Thread-safe set. */
	private static final Set<Path> UNCLOSED = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(RedisServer::reap, "redis-server-reaper"));
	}

	/** The redis-server executable. */
	private final Path executable;

	/** The data directory, redis' {@code --dir}; deleted by close. */
	private final Path dataDir;

	/** The extra configuration, as command-line arguments. */
	private final List<String> extraArguments;

	/** Arguments of the next run only ({@link #restartGuarded}). */
	private List<String> nextRunArguments = List.of();

	/** The password the server asks for, while {@link #restartGuarded guarded}. */
	private volatile String guard;

	/** Whether this is a cluster node, which needs a bus port. */
	private final boolean clusterNode;

	/**
	 * What comes before the options on the command line: nothing, or a sentinel's
	 * configuration file and {@code --sentinel}.
	 */
	private final List<String> leadingArguments;

	/** The line the process prints once it serves. */
	private final String readyLine;

	/** Everything the runs printed, in order. Guarded by its own monitor. */
	private final StringBuilder log = new StringBuilder();

	/** The client port; fixed by the first successful run. */
	private int port;

	/** The cluster bus port, or 0 for a standalone server. */
	private int busPort;

	/** The current or last run's process; null before the first. */
	private Process process;

	/** The current or last run's drain thread; null before the first. */
	private Thread drain;

	private State state = State.STOPPED;

	private RedisServer(Path executable, Path dataDir, boolean clusterNode, List<String> leadingArguments,
			String readyLine, List<String> extraArguments) {
		this.executable = executable;
		this.dataDir = dataDir;
		this.clusterNode = clusterNode;
		this.leadingArguments = leadingArguments;
		this.readyLine = readyLine;
		this.extraArguments = extraArguments;
	}

	/**
	 * Starts a redis-server and waits until it accepts connections.
	 * @param extraConfig extra {@code redis.conf} lines, such as
	 * {@code "appendonly yes"}, {@code "appendfsync always"} or
	 * {@code "maxmemory-policy noeviction"}: words separated by spaces, {@code ""}
	 * standing for an empty word; they may not set {@code bind}, {@code port},
	 * {@code dir} or {@code daemonize}
	 * @return the running server; close it
	 * @throws IllegalStateException if it does not become ready (the message holds its
	 * log)
	 */
	public static RedisServer start(String... extraConfig) {
		return start(ExternalTool.require("redis-server", INSTALL), false, extraConfig);
	}

	/**
	 * Starts one node of a Redis Cluster: as {@link #start}, with a cluster bus port of
	 * its own.
	 */
	static RedisServer startClusterNode(Path executable, String... extraConfig) {
		return start(executable, true, extraConfig);
	}

	/**
	 * Starts a Redis Sentinel ({@code redis-server sentinel.conf --sentinel}): as
	 * {@link #start}, its configuration file written in its directory (the sentinel
	 * rewrites it as it learns), ready once it monitors its primary.
	 * @param sentinelConfig the lines of its configuration file, such as
	 * {@code "sentinel monitor mymaster 127.0.0.1 6379 2"}
	 */
	static RedisServer startSentinel(Path executable, List<String> sentinelConfig) {
		Path dataDir = temporaryDirectory();
		Path config = dataDir.resolve("sentinel.conf");
		try {
			Files.write(config, sentinelConfig);
		}
		catch (IOException ex) {
			deleteRecursively(dataDir);
			throw new UncheckedIOException(ex);
		}
		return start(new RedisServer(executable, dataDir, false, List.of(config.toString(), "--sentinel"),
				SENTINEL_READY, List.of()));
	}

	private static RedisServer start(Path executable, boolean clusterNode, String... extraConfig) {
		List<String> arguments = arguments(extraConfig);
		return start(new RedisServer(executable, temporaryDirectory(), clusterNode, List.of(), READY, arguments));
	}

	private static Path temporaryDirectory() {
		try {
			return Files.createTempDirectory("dispatch-redis-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static RedisServer start(RedisServer server) {
		UNCLOSED.add(server.dataDir);
		try {
			server.runOnFreePorts();
			return server;
		}
		catch (RuntimeException | Error ex) {
			server.close();
			throw ex;
		}
	}

	/** The loopback address the server listens on: {@code 127.0.0.1}. */
	public String host() {
		return HOST;
	}

	/** The client port. */
	public int port() {
		return this.port;
	}

	/** The server's address as a URI: {@code redis://127.0.0.1:port}. */
	public String uri() {
		return "redis://" + HOST + ":" + this.port;
	}

	/** The server's working directory, where it writes its append-only files. */
	public Path dataDir() {
		return this.dataDir;
	}

	/** Everything the server printed so far, over all its runs. */
	public String log() {
		synchronized (this.log) {
			return this.log.toString();
		}
	}

	/**
	 * Kills the server with SIGKILL, as a crash would, and waits until the process is
	 * gone. What it had not written to disk is lost.
	 * @throws IllegalStateException if it is not running
	 */
	public void kill() {
		requireState(State.RUNNING, "kill");
		stopRun(false);
		this.state = State.STOPPED;
	}

	/**
	 * Starts the server again, after {@link #kill}, on the same port, data directory and
	 * configuration, and waits until it accepts connections: it reloads what it had
	 * written, such as its append-only file.
	 * @throws IllegalStateException if it is running or closed, or does not become ready
	 * (for instance because another process took its port meanwhile)
	 */
	public void restart() {
		requireState(State.STOPPED, "restart");
		int from = logLength();
		if (!run()) {
			throw failure("exited before accepting connections", from);
		}
	}

	/** Whether it runs: started, and neither killed nor closed since. */
	public boolean isRunning() {
		return this.state == State.RUNNING;
	}

	/** Deletes every key: {@code FLUSHALL}. */
	public void flushAll() {
		command("FLUSHALL");
	}

	/**
	 * Sends one command and reads its reply, over a new plain socket.
	 * @param arguments the command and its arguments, such as {@code "SET", "k", "v"}
	 * @return a simple or bulk string reply as is, an integer reply in decimal, a nil
	 * reply as null; array replies are not read (use a command with a string reply, such
	 * as {@code INFO})
	 * @throws ErrorReply if the server answers with an error
	 * @throws UncheckedIOException if it cannot be reached or does not answer in 5 s
	 */
	public String command(String... arguments) {
		String password = this.guard;
		return (password != null) ? authenticatedCommandAt(this.port, password, arguments)
				: commandAt(this.port, arguments);
	}

	/**
	 * Starts a killed server again, as {@link #restart}, but asking clients for a
	 * password until {@link #unguard}: it answers them {@code NOAUTH} meanwhile
	 * ({@link #command} authenticates). A cluster node that comes back empty, still sure
	 * it serves its slots, is so kept from answering clients until the cluster has
	 * demoted it.
	 */
	public void restartGuarded() {
		String password = "guard-" + Long.toHexString(System.nanoTime());
		this.nextRunArguments = List.of("--requirepass", password);
		this.guard = password;
		restart();
	}

	/**
	 * Starts a killed server again, as {@link #restart}, but as a replica of the server
	 * at {@code host}:{@code port} from its first moment, and one that Sentinel never
	 * promotes ({@code replica-priority 0}) until {@link #promotable}: a server without
	 * persistence comes back empty, and as a primary (as it was) even for a moment, or
	 * promoted before its first sync is done, it would be taken for the one holding the
	 * data — its replica would then copy its emptiness, as Redis's documentation warns.
	 */
	public void restartAsReplicaOf(String host, int port) {
		this.nextRunArguments = List.of("--replicaof", host, Integer.toString(port), "--replica-priority", "0");
		restart();
	}

	/**
	 * Lets Sentinel promote it again (after {@link #restartAsReplicaOf}, once in sync).
	 */
	public void promotable() {
		command("CONFIG", "SET", "replica-priority", "100");
	}

	/** Lets clients in again after {@link #restartGuarded}. */
	public void unguard() {
		command("CONFIG", "SET", "requirepass", "");
		this.guard = null;
	}

	/**
	 * Stops the server, if running, with SIGTERM (SIGKILL if it has not exited after 5 s)
	 * and deletes its directory. Closing it again does nothing.
	 */
	@Override
	public void close() {
		if (this.state == State.CLOSED) {
			return;
		}
		if (this.state == State.RUNNING) {
			stopRun(true);
		}
		this.state = State.CLOSED;
		deleteRecursively(this.dataDir);
		UNCLOSED.remove(this.dataDir);
	}

	@Override
	public String toString() {
		return "RedisServer[" + uri() + ", " + this.state + "]";
	}

	/** Sends one command to the redis at {@code 127.0.0.1:port}; as {@link #command}. */
	/** {@link #commandAt(int, String...)} on a connection authenticated first. */
	static String authenticatedCommandAt(int port, String password, String... arguments) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, port), (int) COMMAND_TIMEOUT.toMillis());
			socket.setSoTimeout((int) COMMAND_TIMEOUT.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(encode(new String[] { "AUTH", password }));
			out.write(encode(arguments));
			out.flush();
			BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
			reply(in);
			return reply(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("redis at " + HOST + ":" + port + " on " + arguments[0], ex);
		}
	}

	static String commandAt(int port, String... arguments) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, port), (int) COMMAND_TIMEOUT.toMillis());
			socket.setSoTimeout((int) COMMAND_TIMEOUT.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(encode(arguments));
			out.flush();
			return reply(new BufferedInputStream(socket.getInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("redis at " + HOST + ":" + port + " on " + arguments[0], ex);
		}
	}

	/**
	 * Runs a short-lived program, such as {@code redis-cli}, to its end.
	 * @return what it printed
	 * @throws IllegalStateException if it exits with a status other than 0 or runs longer
	 * than the timeout (it is then killed); the message holds its output
	 */
	static String runTool(Duration timeout, List<String> command) {
		Path output = null;
		Process tool = null;
		try {
			output = Files.createTempFile("dispatch-redis-tool-", ".log");
			tool = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
			LIVE.add(tool);
			boolean exited = tool.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (!exited) {
				tool.destroyForcibly().waitFor();
			}
			String printed = Files.readString(output);
			if (!exited || tool.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command)
						+ (exited ? " exited with " + tool.exitValue() : " did not finish within " + timeout) + ":\n"
						+ printed);
			}
			return printed;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted running " + command.getFirst(), ex);
		}
		finally {
			if (tool != null) {
				tool.destroyForcibly();
				LIVE.remove(tool);
			}
			if (output != null) {
				deleteRecursively(output);
			}
		}
	}

	/** The shutdown hook; see the design notes. */
	private static void reap() {
		LIVE.forEach(Process::destroyForcibly);
		for (Process process : LIVE) {
			try {
				process.waitFor(1, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
		for (Path dataDir : UNCLOSED) {
			try {
				deleteRecursively(dataDir);
			}
			catch (UncheckedIOException ex) {
				// the JVM is exiting: a directory left in the temp dir is all this costs
			}
		}
	}

	private static List<String> arguments(String... extraConfig) {
		List<String> arguments = new ArrayList<>();
		for (String line : extraConfig) {
			String[] words = line.strip().split("\\s+");
			if (words[0].isEmpty() || words[0].startsWith("-") || OWNED.contains(words[0])) {
				throw new IllegalArgumentException("not an extra redis.conf line this harness allows: '" + line + "'");
			}
			arguments.add("--" + words[0]);
			Arrays.stream(words, 1, words.length)
				.map((word) -> word.equals("\"\"") ? "" : word)
				.forEach(arguments::add);
		}
		return List.copyOf(arguments);
	}

	private void runOnFreePorts() {
		for (int attempt = 1;; attempt++) {
			int[] ports = freePorts(this.clusterNode ? 2 : 1);
			this.port = ports[0];
			this.busPort = this.clusterNode ? ports[1] : 0;
			int from = logLength();
			if (run()) {
				return;
			}
			if (attempt == START_ATTEMPTS || !logSince(from).contains(PORT_TAKEN)) {
				throw failure("exited before accepting connections (attempt " + attempt + ")", from);
			}
		}
	}

	/**
	 * Launches redis-server on the current ports and waits until it is ready or has
	 * exited.
	 * @return true if ready (now RUNNING), false if it exited first (still STOPPED)
	 */
	private boolean run() {
		List<String> command = new ArrayList<>(List.of(this.executable.toString()));
		command.addAll(this.leadingArguments);
		command.addAll(List.of("--bind", HOST, "--port", Integer.toString(this.port), "--dir", this.dataDir.toString(),
				"--save", "", "--daemonize", "no", "--protected-mode", "no"));
		if (this.clusterNode) {
			command.addAll(List.of("--cluster-port", Integer.toString(this.busPort)));
		}
		command.addAll(this.extraArguments);
		command.addAll(this.nextRunArguments);
		this.nextRunArguments = List.of();
		int from = logLength();
		CompletableFuture<Boolean> ready = new CompletableFuture<>();
		try {
			this.process = new ProcessBuilder(command).directory(this.dataDir.toFile())
				.redirectErrorStream(true)
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		LIVE.add(this.process);
		Process started = this.process;
		this.drain = Thread.ofPlatform()
			.daemon()
			.name("redis-server-" + this.port + "-log")
			.start(() -> drain(started, ready));
		try {
			if (ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				this.state = State.RUNNING;
				return true;
			}
			stopRun(false);
			return false;
		}
		catch (TimeoutException ex) {
			stopRun(false);
			throw failure("did not print '" + this.readyLine + "' within " + READY_TIMEOUT, from);
		}
		catch (InterruptedException ex) {
			stopRun(false);
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted starting redis-server", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("unreachable: the drain completes the future normally", ex);
		}
	}

	/** The drain thread's loop; see the design notes. */
	private void drain(Process process, CompletableFuture<Boolean> ready) {
		try (BufferedReader reader = process.inputReader(StandardCharsets.UTF_8)) {
			String line;
			while ((line = reader.readLine()) != null) {
				synchronized (this.log) {
					this.log.append(line).append('\n');
				}
				if (line.contains(this.readyLine)) {
					ready.complete(true);
				}
			}
		}
		catch (IOException ex) {
			synchronized (this.log) {
				this.log.append("(reading redis-server's output failed: ").append(ex).append(")\n");
			}
		}
		finally {
			ready.complete(false);
		}
	}

	/**
	 * Stops the current run's process, gracefully or with SIGKILL, and waits until it is
	 * gone and its output drained.
	 */
	private void stopRun(boolean gracefully) {
		Process stopping = this.process;
		try {
			if (gracefully) {
				stopping.destroy();
			}
			if (!gracefully || !stopping.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
				stopping.destroyForcibly().waitFor();
			}
			this.drain.join(DRAIN_JOIN);
		}
		catch (InterruptedException ex) {
			stopping.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted stopping redis-server", ex);
		}
		finally {
			LIVE.remove(stopping);
		}
	}

	private void requireState(State expected, String operation) {
		if (this.state != expected) {
			throw new IllegalStateException("cannot " + operation + " a redis-server that is " + this.state);
		}
	}

	private IllegalStateException failure(String what, int logFrom) {
		return new IllegalStateException(
				"redis-server on " + HOST + ":" + this.port + " " + what + "; it printed:\n" + logSince(logFrom));
	}

	private int logLength() {
		synchronized (this.log) {
			return this.log.length();
		}
	}

	private String logSince(int from) {
		synchronized (this.log) {
			return this.log.substring(from);
		}
	}

	/** Distinct free loopback ports, all held open together so none repeats. */
	private static int[] freePorts(int count) {
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				sockets.add(new ServerSocket(0, 1, InetAddress.getByName(HOST)));
			}
			return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			for (ServerSocket socket : sockets) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// closing a listening socket that accepted nothing does not fail
				}
			}
		}
	}

	/** A RESP array of bulk strings: how a client sends a command. */
	private static byte[] encode(String... arguments) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		bytes.writeBytes(("*" + arguments.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String argument : arguments) {
			byte[] utf8 = argument.getBytes(StandardCharsets.UTF_8);
			bytes.writeBytes(("$" + utf8.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			bytes.writeBytes(utf8);
			bytes.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		return bytes.toByteArray();
	}

	private static String reply(InputStream in) throws IOException {
		String line = line(in);
		String rest = line.substring(1);
		return switch (line.charAt(0)) {
			case '+', ':' -> rest;
			case '-' -> throw new ErrorReply(rest);
			case '$' -> bulk(in, Integer.parseInt(rest));
			default -> throw new IOException("reply this client does not read: " + line);
		};
	}

	private static String bulk(InputStream in, int length) throws IOException {
		if (length < 0) {
			return null;
		}
		byte[] body = in.readNBytes(length);
		if (body.length < length || !line(in).isEmpty()) {
			throw new IOException("malformed bulk string of " + length + " bytes");
		}
		return new String(body, StandardCharsets.UTF_8);
	}

	/** One CRLF-terminated line, without the CRLF. */
	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		for (int next = in.read(); next != -1; next = in.read()) {
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(next);
			previous = next;
		}
		throw new EOFException("connection closed mid-reply");
	}

	private static void deleteRecursively(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not delete " + root, ex);
		}
	}

	private enum State {

		RUNNING, STOPPED, CLOSED

	}

	/**
	 * An error reply from Redis: the message is its text, such as
	 * {@code "MOVED 866 127.0.0.1:40123"} or {@code "ERR unknown command"}.
	 */
	public static final class ErrorReply extends RuntimeException {

		ErrorReply(String message) {
			super(message);
		}

	}

}
