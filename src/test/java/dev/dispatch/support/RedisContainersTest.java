package dev.dispatch.support;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Testcontainers runs the locally built Redis image through Podman's Docker API, and a
 * Redis client reaches it on the mapped port.
 */
class RedisContainersTest {

	@BeforeAll
	static void containerRuntime() {
		RedisContainers.requireContainerRuntime();
	}

	@Test
	void redisInTheContainerAnswersOnTheMappedPort() {
		try (GenericContainer<?> redis = RedisContainers.redis()) {
			redis.start();
			assertThat(redis.getLogs()).contains("Ready to accept connections");
			String uri = "redis://" + redis.getHost() + ":" + redis.getMappedPort(RedisContainers.PORT);
			RedisClient client = RedisClient.create(uri);
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				RedisCommands<String, String> commands = connection.sync();
				assertThat(commands.set("job:1", "payload é")).isEqualTo("OK");
				assertThat(commands.get("job:1")).isEqualTo("payload é");
				assertThat(commands.configGet("protected-mode")).containsEntry("protected-mode", "no");
			}
			finally {
				client.shutdown();
			}
		}
	}

}
