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
 * Past dispatch.max-queues, creating a queue (explicitly or by a put) answers 409
 * too-many-queues.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "dispatch.max-queues=1")
class QueueLimitHttpTest {

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
		assertThat(send("PUT", "/v1/queues/only", "{}").statusCode()).isEqualTo(201);
		for (HttpResponse<String> refused : new HttpResponse[] { send("PUT", "/v1/queues/second", "{}"),
				send("POST", "/v1/queues/second/jobs", "1") }) {
			assertThat(refused.statusCode()).isEqualTo(409);
			assertThat(refused.body()).contains("/problems/too-many-queues");
		}
		assertThat(send("POST", "/v1/queues/only/jobs", "1").statusCode()).isEqualTo(201);
	}

}
