package dev.dispatch.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no credentials configured, the API is open (a local run needs nothing) and the log
 * says so loudly at start-up.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.jmx.enabled=false")
class OpenSecurityTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void withoutCredentialsConfiguredEveryoneMayCallAndTheLogWarns(CapturedOutput output) throws Exception {
		assertThat(send("POST", "/v1/queues/open/jobs", "1").statusCode()).isEqualTo(201);
		assertThat(send("POST", "/v1/queues/open/leases?ack=auto", null).statusCode()).isEqualTo(200);
		assertThat(send("DELETE", "/v1/queues/open", null).statusCode()).isEqualTo(204);
		assertThat(send("GET", "/actuator/prometheus", null).statusCode()).isEqualTo(200);
		assertThat(output.getOut()).contains("SECURITY IS OFF");
		assertThat(output.getOut()).doesNotContain("generated security password");
	}

	private HttpResponse<String> send(String method, String path, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
