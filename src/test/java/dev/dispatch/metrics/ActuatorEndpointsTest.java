package dev.dispatch.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/** What the actuator shows over HTTP: probes, info and metrics, and nothing else. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ActuatorEndpointsTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void livenessAndReadinessProbesAnswer() throws Exception {
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
		assertThat(get("/livez").statusCode()).as("the chart's paths, outside Kubernetes too").isEqualTo(200);
		assertThat(get("/readyz").body()).contains("\"status\":\"UP\"");
	}

	@Test
	@DirtiesContext
	void readinessTurnsFalseWhenTheServiceRefusesTraffic() throws Exception {
		AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
	}

	@Test
	void infoNamesTheVersionAndTheCommit() throws Exception {
		String info = get("/actuator/info").body();
		assertThat(info).contains("\"build\"").contains("\"version\"");
		if (new ClassPathResource("git.properties").exists()) { // built from a git
																// checkout
			assertThat(info).contains("\"git\"").contains("\"commit\"");
		}
	}

	@Test
	void prometheusIsExportedAndNothingElseIsExposed() throws Exception {
		assertThat(get("/actuator/prometheus").body()).contains("# TYPE", "dispatch_payload_held_bytes ",
				"dispatch_payload_limit_bytes ");
		for (String hidden : new String[] { "/actuator/env", "/actuator/beans", "/actuator/metrics",
				"/actuator/configprops", "/actuator/heapdump", "/actuator/shutdown" }) {
			assertThat(get(hidden).statusCode()).as(hidden).isEqualTo(404);
		}
	}

}
