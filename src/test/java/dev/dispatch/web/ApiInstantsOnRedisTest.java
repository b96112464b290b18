package dev.dispatch.web;

import dev.dispatch.support.RedisContainers;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

/**
 * {@link ApiInstantsTest} on the Redis backend, whose scripts count time in milliseconds
 * where the memory backend's clock counts nanoseconds: the API answers both alike.
 */
@ExtendWith(RedisContainers.Required.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "dispatch.backend=redis")
class ApiInstantsOnRedisTest extends ApiInstantsTest {

	@ServiceConnection(name = "redis")
	static final GenericContainer<?> redis = RedisContainers.redis();

}
