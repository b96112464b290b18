package dev.dispatch.backend.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;

import dev.dispatch.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The queue contract on a real {@code redis-server}. */
class RedisJobQueueContractTest extends RedisContractTest {

	private static RedisServer server;

	private static RedisClient client;

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
		client = RedisClient.create(server.uri());
	}

	@AfterAll
	static void stopRedis() {
		if (client != null) {
			client.shutdown();
		}
		if (server != null) {
			server.close();
		}
	}

	@Override
	protected AbstractRedisClient client() {
		return client;
	}

}
