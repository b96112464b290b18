package dev.dispatch.client.test;

import java.util.EnumMap;
import java.util.Map;

/**
 * One {@link DispatchServer} per backend for the whole test JVM, started on first use and
 * killed (with its redis-server) when the JVM exits: what {@link WithDispatchServer}
 * tests share. Tests sharing a server should use queues of their own.
 */
public final class SharedServers {

	/** Guarded by the class's monitor. */
	private static final Map<Backend, DispatchServer> SERVERS = new EnumMap<>(Backend.class);

	private SharedServers() {
	}

	/**
	 * The shared server on {@code backend}, started if it is not yet.
	 * @throws IllegalStateException if it cannot start (no jar, no redis-server…)
	 */
	public static synchronized DispatchServer get(Backend backend) {
		return SERVERS.computeIfAbsent(backend, (key) -> {
			DispatchServer.Builder builder = DispatchServer.builder();
			if (key == Backend.REDIS) {
				builder.redis(RedisProcess.start().uri());
			}
			return builder.start();
		});
	}

}
