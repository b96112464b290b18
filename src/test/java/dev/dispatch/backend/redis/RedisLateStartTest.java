package dev.dispatch.backend.redis;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.dispatch.DispatchApplication;
import dev.dispatch.support.RedisServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis down when the service starts, as on Kubernetes when Redis starts after Dispatch
 * or restarts with it: the service starts all the same, says in one line that it waits
 * for Redis, is alive but not ready, answers 503 {@code backend-unavailable} with
 * {@code Retry-After}, and serves — its declared queues made — as soon as a real
 * redis-server answers on the address it was given. Over HTTP, on a real socket.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisLateStartTest {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void theServiceStartsBeforeRedisAnswers503UntilItAnswersThenServes(CapturedOutput output) throws Exception {
		try (RedisServer redis = RedisServer.start()) {
			// its port and directory are kept: it starts again, later, where the service
			// looks for it
			redis.kill();
			try (ConfigurableApplicationContext service = new SpringApplicationBuilder(DispatchApplication.class).run(
					"--server.port=0", "--server.address=127.0.0.1", "--spring.jmx.enabled=false",
					"--dispatch.backend=redis", "--spring.data.redis.url=" + redis.uri(),
					"--dispatch.redis.key-prefix=late", "--dispatch.redis.recheck-period=200ms",
					"--dispatch.queues.declared.capacity=3")) {
				int port = ((WebServerApplicationContext) service).getWebServer().getPort();

				assertThat(output.getOut().lines().filter((line) -> line.contains("Waiting for Redis at")))
					.as("one line says the service waits for Redis, and where")
					.singleElement()
					.asString()
					.contains("127.0.0.1:" + redis.port(), "503 backend-unavailable");
				assertThat(output.getOut()).contains("Queues: in Redis at 127.0.0.1:" + redis.port())
					.doesNotContain("UnsatisfiedDependencyException");
				assertThat(send(port, "GET", "/livez", null).statusCode()).as("alive: a restart would not help")
					.isEqualTo(200);
				assertThat(send(port, "GET", "/readyz", null).statusCode()).as("not ready").isEqualTo(503);
				for (HttpResponse<String> refused : List.of(send(port, "POST", "/v1/queues/declared/jobs?wait=5s", "1"),
						send(port, "POST", "/v1/queues/declared/leases?wait=5s", null),
						send(port, "GET", "/v1/queues", null))) {
					assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
					assertThat(refused.body()).contains("backend-unavailable");
					assertThat(refused.headers().firstValue("Retry-After")).isPresent();
					assertThat(refused.headers().firstValue("Content-Type"))
						.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
				}

				redis.restart();
				Awaitility.await()
					.atMost(Duration.ofSeconds(15))
					.until(() -> send(port, "GET", "/readyz", null).statusCode() == 200);
				assertThat(output.getOut()).contains("Redis at 127.0.0.1:" + redis.port() + " answers: serving");
				HttpResponse<String> put = send(port, "POST", "/v1/queues/declared/jobs", "{\"n\":1}");
				assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
				assertThat(send(port, "GET", "/v1/queues/declared", null).body())
					.as("the declared queue was made once Redis answered")
					.contains("\"capacity\":3", "\"size\":1");
				HttpResponse<String> taken = send(port, "POST", "/v1/queues/declared/leases?wait=0&ack=auto", null);
				assertThat(taken.statusCode()).isEqualTo(200);
				assertThat(taken.body()).contains("{\"n\":1}");
			}
		}
	}

	private static HttpResponse<String> send(int port, String method, String path, String body)
			throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
