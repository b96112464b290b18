package dev.dispatch.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one instance may hold: past dispatch.max-queues, creating a queue (explicitly or
 * by a put) answers 409 too-many-queues; past dispatch.max-held-bytes, a put answers 503
 * storage-full and nothing is enqueued.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "dispatch.max-queues=1", "dispatch.max-held-bytes=20B" })
class InstanceLimitsHttpTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	private HttpResponse<String> send(String method, String path, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Content-Type", "application/json")
			.method(method, HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void queuesBeyondTheLimitAreRefused() throws Exception {
		// 201, or 200 if the other test created it first
		assertThat(send("PUT", "/v1/queues/only", "{}").statusCode()).isIn(200, 201);
		for (HttpResponse<String> refused : new HttpResponse[] { send("PUT", "/v1/queues/second", "{}"),
				send("POST", "/v1/queues/second/jobs", "1") }) {
			assertThat(refused.statusCode()).isEqualTo(409);
			assertThat(refused.body()).contains("/problems/too-many-queues");
		}
		assertThat(send("POST", "/v1/queues/only/jobs", "1").statusCode()).isEqualTo(201);
		send("POST", "/v1/queues/only/leases?ack=auto&wait=0", "");
	}

	/**
	 * A dead-letter queue is created by its first job whatever the limit (no job may be
	 * lost): so a new name for one must fit when it is set, or renaming it again and
	 * again would create queues without end.
	 */
	@Test
	void aNewDeadLetterQueueNameMustFitWithinTheLimit() throws Exception {
		assertThat(send("PUT", "/v1/queues/only", "{}").statusCode()).isIn(200, 201);
		HttpResponse<String> spill = send("PUT", "/v1/queues/only", "{\"deadLetterQueue\": \"spill1\"}");
		assertThat(spill.statusCode()).isEqualTo(409);
		assertThat(spill.body()).contains("/problems/too-many-queues", "spill1");
		assertThat(send("GET", "/v1/queues/only", "").body()).as("unchanged")
			.contains("\"deadLetterQueue\":\"only.dead\"");
		assertThat(send("PUT", "/v1/queues/only", "{\"deadLetterQueue\": \"only.dead\"}").statusCode())
			.as("its own conventional one: always")
			.isEqualTo(200);
	}

	@Test
	void putsBeyondTheHeldBytesAreRefusedUntilJobsAreSettled() throws Exception {
		String twelveBytes = "\"0123456789\"";
		assertThat(send("POST", "/v1/queues/only/jobs", twelveBytes).statusCode()).isEqualTo(201);

		HttpResponse<String> refused = send("POST", "/v1/queues/only/jobs?wait=5s", twelveBytes);

		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertThat(refused.body()).contains("/problems/storage-full");
		assertThat(send("GET", "/v1/queues/only", "").body()).contains("\"size\":1");

		assertThat(send("POST", "/v1/queues/only/leases?ack=auto&wait=0", "").statusCode()).isEqualTo(200);
		assertThat(send("POST", "/v1/queues/only/jobs", twelveBytes).statusCode()).isEqualTo(201);
		send("POST", "/v1/queues/only/leases?ack=auto&wait=0", "");
	}

}
