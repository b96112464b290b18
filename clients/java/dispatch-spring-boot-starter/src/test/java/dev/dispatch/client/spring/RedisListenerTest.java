package dev.dispatch.client.spring;

import dev.dispatch.client.test.Backend;
import dev.dispatch.client.test.RedisProcess;
import dev.dispatch.client.test.WithDispatchServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

@WithDispatchServer(backend = Backend.REDIS)
class RedisListenerTest extends DispatchListenerTests {

	@BeforeAll
	static void requireRedis() {
		if (!RedisProcess.installed()) {
			String reason = RedisProcess.MISSING_REDIS + " (Debian: apt-get install redis-server)";
			String ci = System.getenv("CI");
			if (ci != null && !ci.isBlank()) {
				throw new AssertionError(reason + "; CI must run this test");
			}
			Assumptions.abort(reason + "; skipping");
		}
	}

}
