package dev.dispatch.client;

import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

import dev.dispatch.client.test.DispatchServer;
import dev.dispatch.client.test.RedisProcess;
import org.junit.jupiter.api.Assumptions;

/**
 * The services the tests talk to: one shared service per backend for the test JVM
 * (started on first use, killed when the JVM exits), and fresh ones for tests that stop,
 * restart or configure theirs. Each test uses queues of its own ({@link #queue}), so
 * sharing a service shares nothing else.
 */
final class Services {

	/** Guarded by the class's monitor. */
	private static final Map<Backend, DispatchServer> SHARED = new EnumMap<>(Backend.class);

	private Services() {
	}

	/** The shared service on {@code backend}. */
	static synchronized DispatchServer shared(Backend backend) {
		return SHARED.computeIfAbsent(backend, (key) -> start(key, DispatchServer.builder()));
	}

	/** A client of the shared service on {@code backend}. */
	static DispatchClient client(Backend backend) {
		return DispatchClient.create(shared(backend).baseUrl());
	}

	/** Starts a service of the test's own on {@code backend}; close it. */
	static DispatchServer start(Backend backend, DispatchServer.Builder builder) {
		if (backend == Backend.REDIS) {
			builder.redis(redis().uri());
		}
		return builder.start();
	}

	/**
	 * A redis-server of its own, killed when the JVM exits. Without redis-server on the
	 * machine the test is skipped, but fails when {@code CI} is set: CI never passes by
	 * skipping.
	 */
	static RedisProcess redis() {
		return redis(false);
	}

	/** As {@link #redis()}, keeping an append-only file when {@code appendOnly}. */
	static RedisProcess redis(boolean appendOnly) {
		if (!RedisProcess.installed()) {
			String reason = RedisProcess.MISSING_REDIS + " (Debian: apt-get install redis-server)";
			String ci = System.getenv("CI");
			if (ci != null && !ci.isBlank()) {
				throw new AssertionError(reason + "; CI must run this test");
			}
			Assumptions.abort(reason + "; skipping");
		}
		return RedisProcess.start(appendOnly);
	}

	/** A queue name no other test uses. */
	static String queue(String what) {
		return what + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
