package dev.dispatch.support;

import java.time.Duration;

import com.github.dockerjava.api.exception.NotFoundException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Redis in a container, for Spring Boot tests that take their Redis through
 * {@code @ServiceConnection}. The image is {@value #IMAGE}, built locally by
 * {@code .ci/redis-image.sh} from the machine's own redis-server (no image can be
 * pulled), and the Docker API is the one Podman serves on the socket that script prints
 * as {@code DOCKER_HOST}.
 *
 * <pre class="code">
 * &#64;ExtendWith(RedisContainers.Required.class)
 * &#64;SpringBootTest(properties = "dispatch.backend=redis")
 * class SomeRedisTest {
 *
 * 	&#64;ServiceConnection(name = "redis")
 * 	static final GenericContainer&lt;?&gt; redis = RedisContainers.redis();
 *
 * }
 * </pre>
 *
 * Spring Boot starts the container when the application context first needs its address,
 * as the test's instance is made; {@link Required} checks the runtime before that. (A
 * {@code @BeforeAll} check comes too late: {@link SkipRecorder} turns its abort into a
 * condition, which JUnit asks only once the instance is made. With
 * {@code @Testcontainers} and {@code @Container}, the container would start in that
 * extension's {@code beforeAll}, and a missing runtime be an error, not a skip.) The
 * container is removed when the JVM exits (Ryuk is disabled; Testcontainers' JVM shutdown
 * hook removes it), or earlier by {@link GenericContainer#stop()}.
 */
public final class RedisContainers {

	/** The image {@code .ci/redis-image.sh} builds; never pulled. */
	public static final String IMAGE = "localhost/dispatch-redis:7";

	/** The port Redis listens on inside the container. */
	public static final int PORT = 6379;

	private static final String SETUP = "run .ci/redis-image.sh as root and export the DOCKER_HOST and "
			+ "TESTCONTAINERS_RYUK_DISABLED it prints";

	private RedisContainers() {
	}

	/**
	 * A new, not yet started Redis container. The image has no shell, so readiness is
	 * Redis' own log line, not a port check that execs into the container. The image's
	 * command makes Redis listen on all the container's interfaces, with protected mode
	 * off and no persistence.
	 */
	public static GenericContainer<?> redis() {
		return new GenericContainer<>(DockerImageName.parse(IMAGE)).withExposedPorts(PORT)
			.withImagePullPolicy((image) -> false)
			.waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1)
				.withStartupTimeout(Duration.ofSeconds(30)));
	}

	/**
	 * Checks that Testcontainers can run {@link #redis()}: {@code DOCKER_HOST} set, Ryuk
	 * disabled (its image cannot be pulled), the Docker API answering, and the image
	 * present. Otherwise the test is skipped with the reason on a developer's machine,
	 * but fails when the {@code CI} environment variable is set (as {@link ExternalTool}
	 * does).
	 */
	public static void requireContainerRuntime() {
		if (isBlank(System.getenv("DOCKER_HOST"))) {
			unavailable("DOCKER_HOST is not set");
		}
		if (!Boolean.parseBoolean(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
			unavailable("TESTCONTAINERS_RYUK_DISABLED is not true: the Ryuk image cannot be pulled");
		}
		if (!DockerClientFactory.instance().isDockerAvailable()) {
			unavailable("no Docker API answers at DOCKER_HOST=" + System.getenv("DOCKER_HOST"));
		}
		try {
			DockerClientFactory.instance().client().inspectImageCmd(IMAGE).exec();
		}
		catch (NotFoundException ex) {
			unavailable("the image " + IMAGE + " does not exist");
		}
	}

	/**
	 * Checks the container runtime ({@link #requireContainerRuntime()}) before each
	 * test's instance is made, so before any post-processor (Spring's, which starts the
	 * container): without a runtime the test is skipped with the reason, or fails on CI,
	 * instead of failing to load its application context.
	 */
	public static final class Required implements TestInstancePreConstructCallback {

		@Override
		public void preConstructTestInstance(TestInstanceFactoryContext factory, ExtensionContext context) {
			requireContainerRuntime();
		}

	}

	private static void unavailable(String why) {
		String reason = "Redis containers unavailable: " + why + " (" + SETUP + ")";
		if (!isBlank(System.getenv("CI"))) {
			throw new AssertionError(reason + "; CI must run this test");
		}
		Assumptions.abort(reason + "; skipping");
	}

	private static boolean isBlank(String value) {
		return value == null || value.isBlank();
	}

}
