package dev.dispatch.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.QueueSnapshot;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch endpoints over a real socket: a batch settle's outcome per lease, and a clear
 * 4xx problem for every bad batch, with nothing settled.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "dispatch.http.max-payload-size=1KB", "dispatch.http.max-batch-size=4KB" })
class BatchHttpTest {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private QueueSnapshot state(String queue) {
		return this.registry.require(queue).snapshot().join();
	}

	private static JsonNode body(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		return json.readTree(response.body());
	}

	private static void assertProblem(HttpResponse<String> response, int status, String type) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		assertThat(response.body()).contains("\"type\":\"/problems/" + type + "\"");
	}

	/** Puts {@code payloads} one by one and takes them all: their lease ids, in order. */
	private List<String> leased(String queue, String... payloads) throws Exception {
		for (String payload : payloads) {
			body(post("/v1/queues/" + queue + "/jobs?wait=0", payload), 201);
		}
		List<String> leases = new ArrayList<>();
		for (JsonNode job : body(post("/v1/queues/" + queue + "/leases?wait=0&max=100", ""), 200)) {
			leases.add(job.get("leaseId").asString());
		}
		assertThat(leases).hasSize(payloads.length);
		return leases;
	}

	@Test
	void aBatchSettleAnswersEachLeaseInOrder() throws Exception {
		List<String> leases = leased("settling", "1", "2", "3", "4");
		JsonNode results = body(post("/v1/queues/settling/leases/settle", "[" //
				+ "{\"lease\": \"" + leases.get(0) + "\", \"action\": \"ack\"}," + "{\"lease\": \"" + leases.get(1)
				+ "\", \"action\": \"nack\", \"delay\": \"1m\"}," + "{\"lease\": \"" + leases.get(2)
				+ "\", \"action\": \"extend\", \"by\": 120}," + "{\"lease\": \"" + leases.get(3)
				+ "\", \"action\": \"release\"}," + "{\"lease\": \"" + leases.get(0) + "\", \"action\": \"ack\"}]"),
				200)
			.get("results");
		assertThat(results).hasSize(5);
		List<String> outcomes = new ArrayList<>();
		for (JsonNode result : results) {
			outcomes.add(result.get("action").asString() + " " + result.get("outcome").asString());
		}
		assertThat(outcomes).containsExactly("ack done", "nack done", "extend done", "release done",
				"ack lease-expired");
		assertThat(results.get(0).get("lease").asString()).isEqualTo(leases.get(0));
		assertThat(results.get(2).has("leaseExpiresAt")).isTrue();
		assertThat(results.get(0).has("leaseExpiresAt")).isFalse();
		QueueSnapshot state = state("settling");
		assertThat(state.delayed()).as("the nacked job").isEqualTo(1);
		assertThat(state.size()).as("the released job").isEqualTo(1);
		assertThat(state.inFlight()).as("the extended lease").isEqualTo(1);
	}

	@Test
	void everyBadSettleIsRefusedWholeAndSettlesNothing() throws Exception {
		String lease = leased("strict-settle", "1").getFirst();
		String ack = "{\"lease\": \"" + lease + "\", \"action\": \"ack\"}";
		List<String> bad = List.of("", "[]", "{}", "[" + ack + "] []", "[" + ack + ", 1]", "not json",
				"[" + ack + ", {\"action\": \"ack\"}]", "[" + ack + ", {\"lease\": \"x\"}]",
				"[" + ack + ", {\"lease\": \"x\", \"action\": \"drop\"}]",
				"[" + ack + ", {\"lease\": 7, \"action\": \"ack\"}]",
				"[" + ack + ", {\"lease\": \"x\", \"action\": \"ack\", \"delay\": \"1s\"}]",
				"[" + ack + ", {\"lease\": \"x\", \"action\": \"nack\", \"delay\": \"-1s\"}]",
				"[" + ack + ", {\"lease\": \"x\", \"action\": \"extend\", \"by\": 0}]",
				"[" + ack + ", {\"lease\": \"x\", \"action\": \"nack\", \"by\": \"1s\"}]",
				"[" + ack + ", {\"lease\": \"x\", \"action\": \"ack\", \"priority\": 1}]",
				"[" + (ack + ",").repeat(100) + ack + "]");
		for (String body : bad) {
			assertProblem(post("/v1/queues/strict-settle/leases/settle", body), 400, "invalid-request");
		}
		assertProblem(post("/v1/queues/strict-settle/leases/settle?max=2", "[" + ack + "]"), 400, "invalid-request");
		assertProblem(post("/v1/queues/strict-settle/leases/settle", "[" + ack + ", " + " ".repeat(70_000) + "]"), 413,
				"payload-too-large");
		assertProblem(post("/v1/queues/nowhere/leases/settle", "[" + ack + "]"), 404, "queue-not-found");
		assertThat(state("strict-settle").inFlight()).as("nothing settled").isEqualTo(1);
		assertThat(body(post("/v1/queues/strict-settle/leases/settle", "[" + ack + "]"), 200).get("results")
			.get(0)
			.get("outcome")
			.asString()).isEqualTo("done");
	}

}
