package dev.dispatch.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With credentials required and none configured (what the Helm chart renders before a key
 * Secret exists), every API request is refused; the probes still answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.jmx.enabled=false", "dispatch.security.required=true" })
class RequiredSecurityTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void nothingConfiguredMeansNothingIsLetIn() throws Exception {
		assertThat(send("/v1/queues/q/jobs", null).statusCode()).isEqualTo(401);
		HttpResponse<String> keyed = send("/v1/queues/q/jobs", "some-key-0123456789");
		assertThat(keyed.statusCode()).isEqualTo(401);
		assertThat(keyed.body()).contains("API keys are not accepted: none is configured");
		HttpResponse<String> probe = http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health/readiness"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(probe.statusCode()).isEqualTo(200);
	}

	private HttpResponse<String> send(String path, String bearer) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("1"));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
