package dev.dispatch.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

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
	void swaggerUiIsServed() throws Exception {
		assertThat(get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
	}

}
