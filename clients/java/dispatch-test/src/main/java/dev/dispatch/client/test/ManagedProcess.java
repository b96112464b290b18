package dev.dispatch.client.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One child process of a fixture, its output written to a log file: started, stopped
 * gracefully (SIGTERM, then SIGKILL after a grace period) or killed, and started again
 * with the same command. Its files (the log, a data directory) are deleted by
 * {@link #close()}. Every child still running when the JVM exits is killed by a shutdown
 * hook, which also deletes the files of those never closed. Not thread-safe: a fixture is
 * driven by one test thread at a time.
 */
final class ManagedProcess {

	/** Children not yet known to have exited. Thread-safe set. */
	private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

	/** The files of the processes not closed yet. Thread-safe set. */
	private static final Set<Path> FILES = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(ManagedProcess::reap, "dispatch-test-reaper"));
	}

	private final List<String> command;

	private final Path log;

	/** What close() deletes: the log, or a directory holding it. */
	private final Path files;

	private Process process;

	/**
	 * @param files the process's files, deleted by {@link #close()}: its log, or a
	 * directory that holds the log
	 */
	ManagedProcess(List<String> command, Path log, Path files) {
		this.command = List.copyOf(command);
		this.log = log;
		this.files = files;
		FILES.add(files);
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

	/** Stops the process (as {@link #stop}) and deletes its files. */
	void close(Duration grace) {
		stop(grace);
		delete(this.files);
		FILES.remove(this.files);
	}

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
		FILES.forEach(ManagedProcess::delete);
	}

	private static void delete(Path root) {
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException | UncheckedIOException ex) {
			// a file left in the temporary directory is all this costs
		}
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
