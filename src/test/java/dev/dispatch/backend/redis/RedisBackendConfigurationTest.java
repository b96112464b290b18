package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.Set;

import dev.dispatch.DispatchApplication;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.support.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis backend's wiring: its connections are closed in order when the service stops,
 * and it describes where the queues are without the password.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisBackendConfigurationTest {

	/**
	 * Spring's connection factory stops by shutting its Lettuce client down; connections
	 * closed after that each logged "Connection is already closed".
	 */
	@Test
	void aCleanStopClosesTheConnectionsBeforeTheirClientAndSaysNothing(CapturedOutput output) {
		try (RedisServer redis = RedisServer.start()) {
			ConfigurableApplicationContext service = new SpringApplicationBuilder(DispatchApplication.class).run(
					"--server.port=0", "--server.address=127.0.0.1", "--spring.jmx.enabled=false",
					"--dispatch.backend=redis", "--spring.data.redis.url=" + redis.uri(),
					"--dispatch.redis.key-prefix=stopping");
			QueueRegistry queues = service.getBean(QueueRegistry.class);
			queues.obtain("stopping").put(Payload.of("1"), PutOptions.waiting(Duration.ZERO)).join();
			assertThat(connectedClients(redis)).as("the service's connections and this command's").isGreaterThan(2);
			service.close();
			assertThat(connectedClients(redis)).as("this command's alone").isEqualTo(1);
			assertThat(output.getOut()).doesNotContain("Connection is already closed")
				.doesNotContainPattern("(WARN|ERROR) .* io\\.lettuce");
		}
	}

	private static int connectedClients(RedisServer redis) {
		return redis.command("INFO", "clients")
			.lines()
			.filter((line) -> line.startsWith("connected_clients:"))
			.map((line) -> Integer.parseInt(line.substring("connected_clients:".length()).strip()))
			.findFirst()
			.orElseThrow();
	}

	@Test
	void sentinelsAreNamedWithTheirPrimaryAndTlsIsSaidButNotThePassword() {
		RedisSentinelConfiguration sentinels = new RedisSentinelConfiguration("orders",
				Set.of("sentinel-b.example:26379", "sentinel-a.example:26379"));
		sentinels.setPassword(RedisPassword.of("sentinel-secret"));
		sentinels.setSentinelPassword(RedisPassword.of("sentinel-secret"));
		LettuceConnectionFactory factory = new LettuceConnectionFactory(sentinels,
				LettuceClientConfiguration.builder().useSsl().build());
		assertThat(RedisBackendConfiguration.describe(factory, "dispatch"))
			.isEqualTo("in Redis primary 'orders' of the sentinels sentinel-a.example:26379, "
					+ "sentinel-b.example:26379 over TLS, keys under 'dispatch:'");
	}

}
