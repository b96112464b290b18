package dev.dispatch.client.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real Dispatch service for integration tests: the service's own jar, run with a JDK as
 * a child process on a free loopback port, on the in-memory backend or on a Redis. What a
 * test talks to is the service itself over HTTP, never a stand-in.
 *
 * <pre class="code">
 * try (DispatchServer server = DispatchServer.builder().start()) {
 * 	DispatchClient client = DispatchClient.create(server.baseUrl());
 * 	…
 * }
 * </pre>
 *
 * <p>
 * The jar is looked for, in order: the system property {@value #JAR_PROPERTY}, the
 * environment variable {@value #JAR_ENVIRONMENT}, then the local Maven repository
 * ({@code ~/.m2/repository/dev/dispatch/dispatch/VERSION/dispatch-VERSION.jar}, put there
 * by the service's {@code mvn install}). The JDK is the system property
 * {@value #JAVA_PROPERTY}, else the one running the tests (the service needs 21 or
 * newer).
 *
 * <table>
 * <caption>Operations</caption>
 * <tr>
 * <th>operation</th>
 * <th>effect</th>
 * <th>waits</th>
 * </tr>
 * <tr>
 * <td>{@link Builder#start()}</td>
 * <td>launches the service</td>
 * <td>until its readiness probe answers {@code 200}, at most 90 s; then fails with its
 * log</td>
 * </tr>
 * <tr>
 * <td>{@link #stop()}</td>
 * <td>SIGTERM: the service's graceful shutdown (parked requests answered)</td>
 * <td>until it has exited (SIGKILL after 20 s)</td>
 * </tr>
 * <tr>
 * <td>{@link #kill()}</td>
 * <td>SIGKILL, as a crash</td>
 * <td>until it has exited</td>
 * </tr>
 * <tr>
 * <td>{@link #restart()}</td>
 * <td>launches it again on the same port and with the same settings (an in-memory service
 * starts empty)</td>
 * <td>as {@code start}</td>
 * </tr>
 * <tr>
 * <td>{@link #close()}</td>
 * <td>{@code stop()}, and deletes its log; idempotent</td>
 * <td>as {@code stop}</td>
 * </tr>
 * </table>
 *
 * <p>
 * Not thread-safe: one test thread drives it. Every service still running when the JVM
 * exits is killed.
 */
public final class DispatchServer implements AutoCloseable {

	/** The system property that names the service's jar. */
	public static final String JAR_PROPERTY = "dispatch.server.jar";

	/** The environment variable that names the service's jar. */
	public static final String JAR_ENVIRONMENT = "DISPATCH_SERVER_JAR";

	/** The system property that names the JDK ({@code JAVA_HOME}) to run it with. */
	public static final String JAVA_PROPERTY = "dispatch.server.java-home";

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

	private final int port;

	private final ManagedProcess process;

	private final String description;

	private DispatchServer(int port, ManagedProcess process, String description) {
		this.port = port;
		this.process = process;
		this.description = description;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** Where the service answers: {@code http://127.0.0.1:port}. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	public int port() {
		return this.port;
	}

	/** The service's process id. */
	public long pid() {
		return this.process.pid();
	}

	/** Stops the service gracefully (SIGTERM) and waits until it has exited. */
	public void stop() {
		this.process.stop(Duration.ofSeconds(20));
	}

	/** Kills the service (SIGKILL) and waits until it has exited. */
	public void kill() {
		this.process.kill();
	}

	/** Starts the service again, on the same port, and waits until it is ready. */
	public void restart() {
		this.process.start();
		awaitReady();
	}

	/** The last lines the service logged, for a failure's message. */
	public String logTail(int lines) {
		return this.process.logTail(lines);
	}

	/** Stops the service gracefully and deletes its log. */
	@Override
	public void close() {
		this.process.close(Duration.ofSeconds(20));
	}

	@Override
	public String toString() {
		return "DispatchServer[" + baseUrl() + ", " + this.description + "]";
	}

	private void awaitReady() {
		Instant deadline = Instant.now().plus(READY_TIMEOUT);
		URI readiness = URI.create(baseUrl() + "/actuator/health/readiness");
		while (!answers(readiness)) {
			if (!this.process.isAlive() || Instant.now().isAfter(deadline)) {
				this.process.kill();
				throw new IllegalStateException(this + " did not become ready within " + READY_TIMEOUT
						+ "; its log ends:\n" + this.process.logTail(40));
			}
			ManagedProcess.pause(Duration.ofMillis(100));
		}
	}

	private static boolean answers(URI uri) {
		try {
			HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
			connection.setConnectTimeout(500);
			connection.setReadTimeout(2000);
			try (InputStream ignored = connection.getInputStream()) {
				return connection.getResponseCode() == 200;
			}
			finally {
				connection.disconnect();
			}
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Settings of a service to start. */
	public static final class Builder {

		private Path jar;

		private Path javaHome;

		private String redisUri;

		private final Map<String, String> properties = new LinkedHashMap<>();

		private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC"));

		private Builder() {
		}

		/** The service's jar; default: see the class's description. */
		public Builder jar(Path jar) {
			this.jar = jar;
			return this;
		}

		/** The JDK to run it with; default: see the class's description. */
		public Builder javaHome(Path javaHome) {
			this.javaHome = javaHome;
			return this;
		}

		/** Runs it on the Redis backend, at {@code uri} ({@code redis://host:port}). */
		public Builder redis(String uri) {
			this.redisUri = uri;
			return this;
		}

		/**
		 * A setting of the service, as an argument {@code --name=value} (for instance
		 * {@code dispatch.defaults.lease-timeout}, {@code 5s}).
		 */
		public Builder property(String name, String value) {
			this.properties.put(name, value);
			return this;
		}

		/** An option of its JVM (default {@code -Xmx256m -XX:+UseSerialGC}). */
		public Builder jvmOption(String option) {
			this.jvmOptions.add(option);
			return this;
		}

		/**
		 * Starts the service on a free loopback port and waits until it is ready.
		 * @throws IllegalStateException if the jar cannot be found, or the service does
		 * not become ready (the message holds its log's end)
		 */
		public DispatchServer start() {
			Path serviceJar = (this.jar != null) ? this.jar : defaultJar();
			Path java = ((this.javaHome != null) ? this.javaHome : defaultJavaHome()).resolve("bin").resolve("java");
			int port = ManagedProcess.freePort();
			List<String> command = new ArrayList<>();
			command.add(java.toString());
			command.addAll(this.jvmOptions);
			command.addAll(List.of("-jar", serviceJar.toString(), "--server.address=127.0.0.1", "--server.port=" + port,
					"--spring.main.banner-mode=off"));
			if (this.redisUri != null) {
				command.add("--dispatch.backend=redis");
				command.add("--spring.data.redis.url=" + this.redisUri);
			}
			this.properties.forEach((name, value) -> command.add("--" + name + "=" + value));
			Path log;
			try {
				log = Files.createTempFile("dispatch-server-" + port + "-", ".log");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			String description = ((this.redisUri != null) ? "redis " + this.redisUri : "memory") + ", log " + log;
			DispatchServer server = new DispatchServer(port, new ManagedProcess(command, log, log), description);
			server.restart();
			return server;
		}

		private static Path defaultJar() {
			String named = System.getProperty(JAR_PROPERTY);
			if (named == null || named.isBlank()) {
				named = System.getenv(JAR_ENVIRONMENT);
			}
			Path jar;
			if (named != null && !named.isBlank()) {
				jar = Path.of(named);
			}
			else {
				String version = fixtureVersion();
				jar = Path.of(System.getProperty("user.home"), ".m2", "repository", "dev", "dispatch", "dispatch",
						version, "dispatch-" + version + ".jar");
			}
			if (!Files.isRegularFile(jar)) {
				throw new IllegalStateException("no Dispatch service jar at " + jar
						+ ": build it (./mvnw package in the" + " service's project) and name it with -D" + JAR_PROPERTY
						+ "=… or " + JAR_ENVIRONMENT);
			}
			return jar.toAbsolutePath();
		}

		private static Path defaultJavaHome() {
			String named = System.getProperty(JAVA_PROPERTY);
			return Path.of((named != null && !named.isBlank()) ? named : System.getProperty("java.home"));
		}

		private static String fixtureVersion() {
			Properties properties = new Properties();
			try (InputStream in = DispatchServer.class.getResourceAsStream("dispatch-test.properties")) {
				if (in == null) {
					throw new IllegalStateException("dispatch-test.properties is missing from the fixture's jar");
				}
				properties.load(in);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return properties.getProperty("version");
		}

	}

}
