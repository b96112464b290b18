package dev.dispatch.web.fastpath;

import dev.dispatch.support.RedisContainers;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Import;

/**
 * {@link LeanAnswersTest} on the Redis backend, whose answers come a round trip after the
 * handler asked: a put or take that Redis answers within
 * {@code dispatch.http.first-answer-wait} is written in the request's own dispatch, one
 * that parks through an async dispatch. The wait is at its longest here: on a cold JVM (a
 * CI machine's first scripts) Redis may take longer than the default 10 ms, which is a
 * matter of tuning; a try that parks must still end the wait at once.
 */
@ExtendWith(RedisContainers.Required.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "dispatch.backend=redis", "dispatch.http.first-answer-wait=1s" })
@Import(LeanAnswersTest.CountAsyncDispatches.class)
class LeanAnswersOnRedisTest extends LeanAnswersTest {

	@ServiceConnection(name = "redis")
	static final GenericContainer<?> redis = RedisContainers.redis();

}
