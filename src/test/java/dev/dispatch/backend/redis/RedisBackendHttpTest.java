package dev.dispatch.backend.redis;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import dev.dispatch.support.RedisContainers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on the Redis backend, over a real socket, with Redis from Testcontainers
 * ({@code @ServiceConnection}; see {@link RedisContainers}): a long poll answered by a
 * put, leases settled, and an outage of Redis (its container paused: commands time out)
 * answered 503 {@code backend-unavailable} and reported by readiness, then recovered from
 * without a restart of the service.
 */
@ExtendWith(RedisContainers.Required.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "dispatch.backend=redis", "dispatch.redis.timeout=1s" })
class RedisBackendHttpTest {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@ServiceConnection(name = "redis")
	static final GenericContainer<?> redis = RedisContainers.redis();

	@LocalServerPort
	int port;

	private HttpResponse<String> send(String method, String path, String body)
			throws IOException, InterruptedException {
		return http.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest request(String method, String path, String body) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
	}

	private static String field(String json, String name) {
		int at = json.indexOf("\"" + name + "\":\"");
		assertThat(at).as("field %s in %s", name, json).isNotNegative();
		int start = at + name.length() + 4;
		return json.substring(start, json.indexOf('"', start));
	}

	@Test
	void aParkedTakeIsAnsweredByAPutAndTheLeaseIsSettled() throws Exception {
		assertThat(send("PUT", "/v1/queues/orders", "{\"capacity\": 10}").statusCode()).isEqualTo(201);
		CompletableFuture<HttpResponse<String>> parked = http.sendAsync(
				request("POST", "/v1/queues/orders/leases?wait=10s", null), HttpResponse.BodyHandlers.ofString());
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> send("GET", "/v1/queues/orders", null).body().contains("\"waitingTakers\":1"));
		HttpResponse<String> put = send("POST", "/v1/queues/orders/jobs", "{\"n\":1}");
		assertThat(put.statusCode()).isEqualTo(201);

		HttpResponse<String> taken = parked.get(10, TimeUnit.SECONDS);
		assertThat(taken.statusCode()).isEqualTo(200);
		assertThat(taken.body()).contains("\"payload\":{\"n\":1}").contains(field(put.body(), "id"));
		try (RedisClient client = RedisClient.create("redis://" + redis.getHost() + ":" + redis.getMappedPort(6379));
				StatefulRedisConnection<String, String> connection = client.connect()) {
			assertThat(connection.sync().exists("dispatch:{orders}:meta")).as("the queue lives in Redis").isOne();
		}

		String lease = field(taken.body(), "leaseId");
		assertThat(send("POST", "/v1/queues/orders/leases/" + lease + "/ack", null).statusCode()).isEqualTo(204);
		assertThat(send("POST", "/v1/queues/orders/leases/" + lease + "/ack", null).statusCode()).isEqualTo(410);
		assertThat(send("GET", "/v1/queues/orders", null).body()).contains("\"unfinished\":0");
	}

	@Test
	void anOutageOfRedisAnswers503AndIsRecoveredFromWithoutARestart() throws Exception {
		assertThat(send("POST", "/v1/queues/outage/jobs", "1").statusCode()).isEqualTo(201);
		assertThat(send("GET", "/actuator/health/readiness", null).statusCode()).isEqualTo(200);

		DockerClient docker = redis.getDockerClient();
		docker.pauseContainerCmd(redis.getContainerId()).exec();
		try {
			HttpResponse<String> put = send("POST", "/v1/queues/outage/jobs", "2");
			assertThat(put.statusCode()).isEqualTo(503);
			assertThat(put.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(put.body()).contains("/problems/backend-unavailable");
			assertThat(put.headers().firstValue("Retry-After")).isPresent();
			HttpResponse<String> ack = send("POST", "/v1/queues/outage/leases/some-lease/ack", null);
			assertThat(ack.statusCode()).as("an ack waits for Redis too").isEqualTo(503);
			assertThat(ack.body()).contains("/problems/backend-unavailable");
			assertThat(send("GET", "/v1/queues/outage", null).statusCode()).isEqualTo(503);
			assertThat(send("GET", "/actuator/health/readiness", null).statusCode()).isEqualTo(503);
			assertThat(send("GET", "/actuator/health/liveness", null).statusCode())
				.as("an outage of Redis is no reason to restart the service")
				.isEqualTo(200);
		}
		finally {
			docker.unpauseContainerCmd(redis.getContainerId()).exec();
		}

		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> send("POST", "/v1/queues/outage/jobs", "3").statusCode() == 201);
		assertThat(send("GET", "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
	}

}
