package dev.dispatch.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document lists every endpoint, and Swagger UI is served. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	private HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void theApiDocumentNamesEveryEndpoint() throws Exception {
		HttpResponse<String> document = get("/v3/api-docs");
		assertThat(document.statusCode()).isEqualTo(200);
		assertThat(document.body()).contains("\"/v1/queues\"", "\"/v1/queues/{queue}\"", "\"/v1/queues/{queue}/jobs\"",
				"\"/v1/queues/{queue}/leases\"", "\"/v1/queues/{queue}/leases/{leaseId}/ack\"",
				"\"/v1/queues/{queue}/leases/{leaseId}/nack\"", "\"/v1/queues/{queue}/leases/{leaseId}/extend\"",
				"\"/v1/queues/{queue}/close\"", "\"/v1/queues/{queue}/join\"");
		assertThat(document.body()).as("the put's wait parameter").contains("how long to wait for room");
	}

	@Test
	void everyEndpointDocumentsItsProblems() throws Exception {
		JsonNode paths = JsonMapper.builder().build().readTree(get("/v3/api-docs").body()).path("paths");
		JsonNode put = paths.path("/v1/queues/{queue}/jobs").path("post").path("responses");
		assertThat(put.path("429").path("description").asString()).contains("/problems/queue-full");
		assertThat(put.path("429").path("headers").has("Retry-After")).isTrue();
		assertThat(put.path("503").path("description").asString()).contains("/problems/storage-full",
				"/problems/too-many-waiters", "/problems/server-draining", "/problems/backend-unavailable");
		assertThat(put.path("503").path("headers").has("Retry-After")).isTrue();
		assertThat(put.path("503").path("content").has("application/problem+json")).isTrue();
		assertThat(put.path("409").path("description").asString()).contains("/problems/queue-closed");
		assertThat(put.path("413").path("description").asString()).contains("/problems/payload-too-large");
		assertThat(put.path("400").path("description").asString()).contains("/problems/invalid-request");
		JsonNode take = paths.path("/v1/queues/{queue}/leases").path("post").path("responses");
		assertThat(take.path("410").path("description").asString()).contains("/problems/queue-drained");
		JsonNode ack = paths.path("/v1/queues/{queue}/leases/{leaseId}/ack").path("post").path("responses");
		assertThat(ack.path("410").path("description").asString()).contains("/problems/lease-expired");
		assertThat(ack.path("503").path("description").asString())
			.as("an ack never waits: only an unreachable backend answers it 503")
			.contains("/problems/backend-unavailable")
			.doesNotContain("/problems/too-many-waiters", "/problems/server-draining");
	}

	@Test
	void swaggerUiIsServed() throws Exception {
		assertThat(get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
	}

}
