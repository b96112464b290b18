package dev.dispatch.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With credentials required and a management port of its own, metrics are served there
 * without credentials (for Prometheus) and not at all on the public port; the API still
 * needs credentials, and the probes answer on both ports.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "spring.jmx.enabled=false",
		"management.server.port=0", "management.endpoint.health.probes.add-additional-paths=true",
		"dispatch.security.api-keys[0].name=ops",
		// the SHA-256 of "ops-key-0123456789abcdef"
		"dispatch.security.api-keys[0].key-sha256=16ba548450ff7de021bf9a6c1f7d6774756c8909e3607c8132453af202bc64a9",
		"dispatch.security.api-keys[0].roles=admin" })
class ManagementPortTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Test
	void metricsLiveOnTheManagementPortOnly() throws Exception {
		assertThat(this.managementPort).isNotEqualTo(this.port);
		HttpResponse<String> metrics = get(this.managementPort, "/actuator/prometheus", null);
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("dispatch_");
		assertThat(get(this.port, "/actuator/prometheus", null).statusCode()).isEqualTo(404);
		assertThat(get(this.port, "/actuator/prometheus", "ops-key-0123456789abcdef").statusCode()).isEqualTo(404);
	}

	@Test
	void theApiStillNeedsCredentialsAndTheProbesAnswerOnBothPorts() throws Exception {
		assertThat(get(this.port, "/v1/queues", null).statusCode()).isEqualTo(401);
		assertThat(get(this.port, "/v1/queues", "ops-key-0123456789abcdef").statusCode()).isEqualTo(200);
		assertThat(get(this.managementPort, "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
		assertThat(get(this.port, "/readyz", null).statusCode()).isEqualTo(200);
		assertThat(get(this.port, "/livez", null).statusCode()).isEqualTo(200);
	}

	private static HttpResponse<String> get(int port, String path, String bearer) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
