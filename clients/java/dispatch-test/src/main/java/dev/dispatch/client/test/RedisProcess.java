package dev.dispatch.client.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@code redis-server} on a free loopback port, in a temporary directory, saving no RDB
 * snapshot and, unless asked, no append-only file: the store of a {@link DispatchServer}
 * on the Redis backend. It can be stopped and started again on the same port, as an
 * outage would, to test what a consumer does meanwhile.
 *
 * <table>
 * <caption>Operations</caption>
 * <tr>
 * <th>operation</th>
 * <th>effect</th>
 * <th>waits</th>
 * </tr>
 * <tr>
 * <td>{@link #start()}</td>
 * <td>launches redis-server</td>
 * <td>until it answers {@code PING}, at most 10 s</td>
 * </tr>
 * <tr>
 * <td>{@link #stop()}</td>
 * <td>SIGTERM (its data is lost, unless it keeps an append-only file)</td>
 * <td>until it has exited</td>
 * </tr>
 * <tr>
 * <td>{@link #restart()}</td>
 * <td>launches it again on the same port</td>
 * <td>as {@code start}</td>
 * </tr>
 * <tr>
 * <td>{@link #close()}</td>
 * <td>stops it and deletes its directory; idempotent</td>
 * <td>until it has exited</td>
 * </tr>
 * </table>
 */
public final class RedisProcess implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

	private final int port;

	private final ManagedProcess process;

	private RedisProcess(Path executable, int port, Path dir, boolean appendOnly) {
		this.port = port;
		this.process = new ManagedProcess(List.of(executable.toString(), "--bind", "127.0.0.1", "--port",
				Integer.toString(port), "--dir", dir.toString(), "--save", "", "--appendonly",
				appendOnly ? "yes" : "no", "--appendfsync", "always", "--daemonize", "no", "--protected-mode", "no"),
				dir.resolve("redis.log"), dir);
	}

	/**
	 * Starts a redis-server found on the {@code PATH}.
	 * @throws IllegalStateException if there is none (Debian: {@code apt-get install
	 * redis-server}) or it does not answer within 10 s
	 */
	public static RedisProcess start() {
		return start(false);
	}

	/**
	 * Starts a redis-server found on the {@code PATH}, with an append-only file written
	 * at every change when {@code appendOnly}: then what it held survives {@link #stop()}
	 * and {@link #restart()}, as a Redis deployed for Dispatch keeps accepted jobs.
	 * @throws IllegalStateException as {@link #start()}
	 */
	public static RedisProcess start(boolean appendOnly) {
		Path executable = find("redis-server")
			.orElseThrow(() -> new IllegalStateException(MISSING_REDIS + " (Debian: apt-get install redis-server)"));
		try {
			RedisProcess redis = new RedisProcess(executable, ManagedProcess.freePort(),
					Files.createTempDirectory("dispatch-test-redis-"), appendOnly);
			redis.restart();
			return redis;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** What {@link #start()} says when the machine has no redis-server. */
	public static final String MISSING_REDIS = "redis-server is not installed";

	/** Whether a redis-server is on the {@code PATH}. */
	public static boolean installed() {
		return find("redis-server").isPresent();
	}

	/**
	 * For a JUnit test that needs redis-server: without one, the test is skipped with the
	 * reason (a JUnit assumption), but fails when the environment variable {@code CI} is
	 * set, so that CI never passes by skipping.
	 */
	public static void assumeInstalled() {
		if (installed()) {
			return;
		}
		String reason = MISSING_REDIS + " (Debian: apt-get install redis-server)";
		String ci = System.getenv("CI");
		if (ci != null && !ci.isBlank()) {
			throw new AssertionError(reason + "; CI must run this test");
		}
		org.junit.jupiter.api.Assumptions.abort(reason + "; skipping");
	}

	/** Its address: {@code redis://127.0.0.1:port}. */
	public String uri() {
		return "redis://127.0.0.1:" + this.port;
	}

	/** Stops it (SIGTERM); what it held is lost, unless it keeps an append-only file. */
	public void stop() {
		this.process.stop(Duration.ofSeconds(5));
	}

	/**
	 * Starts it again on the same port (empty, or with what its append-only file holds)
	 * and waits until it answers.
	 */
	public void restart() {
		this.process.start();
		Instant deadline = Instant.now().plus(READY_TIMEOUT);
		while (!answersPing()) {
			if (!this.process.isAlive() || Instant.now().isAfter(deadline)) {
				this.process.kill();
				throw new IllegalStateException("redis-server on port " + this.port + " did not start; it printed:\n"
						+ this.process.logTail(20));
			}
			ManagedProcess.pause(Duration.ofMillis(50));
		}
	}

	/** Stops it and deletes its directory. */
	@Override
	public void close() {
		this.process.close(Duration.ofSeconds(5));
	}

	private boolean answersPing() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = in.readNBytes(7);
			return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
		}
		catch (IOException ex) {
			return false;
		}
	}

	static Optional<Path> find(String name) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String dir : path.split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(dir, name);
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

}
