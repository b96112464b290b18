package dev.dispatch.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every instant the API answers has one form, ISO-8601 in UTC with three digits of
 * milliseconds, on every backend ({@link ApiInstantsOnRedisTest}): a put's, a delayed
 * put's, a take's, a lease extension's, a job's and a queue's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiInstantsTest {

	private static final String MILLIS_UTC = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	private JsonNode send(String method, String path, String body, int status) throws Exception {
		HttpResponse<String> answer = http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(answer.statusCode()).as("%s %s: %s", method, path, answer.body()).isEqualTo(status);
		return JSON.readTree(answer.body());
	}

	/** Every member whose name ends in "At", anywhere in the answer, with its path. */
	private static void collectInstants(String where, JsonNode node, Map<String, String> into) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> member : node.properties()) {
				if (member.getKey().endsWith("At") && member.getValue().isString()) {
					into.put(where + "." + member.getKey(), member.getValue().asString());
				}
				collectInstants(where + "." + member.getKey(), member.getValue(), into);
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				collectInstants(where + "[" + i + "]", node.get(i), into);
			}
		}
	}

	@Test
	void everyInstantIsUtcWithMilliseconds() throws Exception {
		String queue = "instants";
		Map<String, String> instants = new TreeMap<>();
		send("PUT", "/v1/queues/" + queue, "{\"capacity\": 10}", 201);
		collectInstants("put", send("POST", "/v1/queues/" + queue + "/jobs", "{\"n\": 1}", 201), instants);
		collectInstants("delayed put", send("POST", "/v1/queues/" + queue + "/jobs?delay=1h", "2", 201), instants);
		collectInstants("batch put", send("POST", "/v1/queues/" + queue + "/jobs/batch",
				"[{\"payload\": 3}, {\"payload\": 4, \"delay\": \"1h\"}]", 201), instants);
		JsonNode taken = send("POST", "/v1/queues/" + queue + "/leases?wait=0&max=1", null, 200);
		collectInstants("take", taken, instants);
		String lease = taken.get(0).path("leaseId").asString();
		String id = taken.get(0).path("jobId").asString();
		collectInstants("extend", send("POST", "/v1/queues/" + queue + "/leases/" + lease + "/extend?by=1m", null, 200),
				instants);
		collectInstants("job", send("GET", "/v1/queues/" + queue + "/jobs/" + id, null, 200), instants);
		collectInstants("jobs", send("GET", "/v1/queues/" + queue + "/jobs?state=delayed", null, 200), instants);
		collectInstants("queue", send("GET", "/v1/queues/" + queue, null, 200), instants);

		assertThat(instants).containsKeys("put.enqueuedAt", "delayed put.readyAt", "take[0].leaseExpiresAt",
				"extend.leaseExpiresAt", "job.leaseExpiresAt", "jobs.jobs[0].readyAt", "queue.oldestReadyAt");
		List<String> wrong = new ArrayList<>();
		instants.forEach((where, value) -> {
			if (!value.matches(MILLIS_UTC)) {
				wrong.add(where + " = " + value);
			}
		});
		assertThat(wrong).isEmpty();
		assertThat(Instant.parse(instants.get("put.enqueuedAt"))).isBefore(Instant.now().plusSeconds(1));
	}

}
