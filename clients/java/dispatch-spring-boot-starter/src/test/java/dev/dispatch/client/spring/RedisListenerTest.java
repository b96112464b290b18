package dev.dispatch.client.spring;

import dev.dispatch.client.test.Backend;
import dev.dispatch.client.test.RedisProcess;
import dev.dispatch.client.test.WithDispatchServer;
import org.junit.jupiter.api.BeforeAll;

@WithDispatchServer(backend = Backend.REDIS)
class RedisListenerTest extends DispatchListenerTests {

	@BeforeAll
	static void requireRedis() {
		RedisProcess.assumeInstalled();
	}

}
