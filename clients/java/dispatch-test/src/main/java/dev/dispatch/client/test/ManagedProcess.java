package dev.dispatch.client.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One child process of a fixture, its output written to a log file: started, stopped
 * gracefully (SIGTERM, then SIGKILL after a grace period) or killed, and started again
 * with the same command. Every child still running when the JVM exits is killed by a
 * shutdown hook. Not thread-safe: a fixture is driven by one test thread at a time.
 */
final class ManagedProcess {

	/** Children not yet known to have exited. Thread-safe set. */
	private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "dispatch-test-reaper"));
	}

	private final List<String> command;

	private final Path log;

	private Process process;

	ManagedProcess(List<String> command, Path log) {
		this.command = List.copyOf(command);
		this.log = log;
	}

	/** Starts the process (again), appending its output to the log. */
	void start() {
		if (isAlive()) {
			throw new IllegalStateException("already running: " + this.command.getFirst());
		}
		try {
			this.process = new ProcessBuilder(this.command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start " + this.command.getFirst(), ex);
		}
		LIVE.add(this.process);
	}

	boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	long pid() {
		return this.process.pid();
	}

	/** SIGTERM, then SIGKILL if it has not exited after {@code grace}. */
	void stop(Duration grace) {
		if (this.process == null) {
			return;
		}
		this.process.destroy();
		awaitExit(grace);
	}

	/** SIGKILL, as a crash would; waits until the process is gone. */
	void kill() {
		if (this.process == null) {
			return;
		}
		this.process.destroyForcibly();
		awaitExit(Duration.ofSeconds(10));
	}

	/** The last {@code lines} lines of the log, for a failure's message. */
	String logTail(int lines) {
		try {
			List<String> all = Files.readAllLines(this.log);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(log unreadable: " + ex + ")";
		}
	}

	private void awaitExit(Duration grace) {
		Process stopping = this.process;
		try {
			if (!stopping.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				stopping.destroyForcibly().waitFor();
			}
		}
		catch (InterruptedException ex) {
			stopping.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		finally {
			LIVE.remove(stopping);
		}
	}

	/** A free port on the loopback interface (another process may still take it). */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Sleeps between two checks of a process that is starting. */
	static void pause(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for a process to start", ex);
		}
	}

}
