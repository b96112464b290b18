package dev.dispatch.web;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.dispatch.web.ApiCalls.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over a real socket: a put's {@code priority} and {@code group}, as query parameters and
 * as a batch element's fields, decide which job a take gets, and come back with the job;
 * bad ones are refused, named.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LanesHttpTest {

	@LocalServerPort
	int port;

	private HttpResponse<String> send(String method, String path, String body)
			throws IOException, InterruptedException {
		return new ApiCalls(this.port).send(method, path, body);
	}

	private List<JsonNode> takeAll(String queue) throws Exception {
		List<JsonNode> jobs = new ArrayList<>();
		body(send("POST", "/v1/queues/" + queue + "/leases?wait=0&max=100&ack=auto", ""), 200).forEach(jobs::add);
		return jobs;
	}

	@Test
	void priorityAndGroupDecideTheOrderAndComeBackWithTheJob() throws Exception {
		body(send("POST", "/v1/queues/lanes/jobs?group=a", "\"a1\""), 201);
		body(send("POST", "/v1/queues/lanes/jobs?group=a", "\"a2\""), 201);
		body(send("POST", "/v1/queues/lanes/jobs?group=b", "\"b1\""), 201);
		String urgent = body(send("POST", "/v1/queues/lanes/jobs?priority=9", "\"urgent\""), 201).get("id").asString();
		JsonNode looked = body(send("GET", "/v1/queues/lanes/jobs/" + urgent, ""), 200);
		assertThat(looked.get("priority").asInt()).isEqualTo(9);
		assertThat(looked.has("group")).as("no group named").isFalse();

		JsonNode info = body(send("GET", "/v1/queues/lanes", ""), 200);
		assertThat(info.get("groups").asInt()).as("a, b and the default group").isEqualTo(3);
		assertThat(info.get("largestGroups").get(0).get("group").asString()).isEqualTo("a");
		assertThat(info.get("largestGroups").get(0).get("ready").asInt()).isEqualTo(2);

		List<JsonNode> jobs = takeAll("lanes");
		assertThat(jobs).extracting((job) -> job.get("payload").asString()).containsExactly("urgent", "a1", "b1", "a2");
		assertThat(jobs).extracting((job) -> job.get("priority").asInt()).containsExactly(9, 5, 5, 5);
		assertThat(jobs).extracting((job) -> job.has("group") ? job.get("group").asString() : null)
			.containsExactly(null, "a", "b", "a");
	}

	@Test
	void eachJobOfABatchNamesItsOwn() throws Exception {
		body(send("POST", "/v1/queues/batch-lanes/jobs/batch", """
				[{"payload": 1, "priority": 1}, {"payload": 2, "group": "tenant-2"},
				 {"payload": 3, "priority": 9, "group": "tenant-3"}]"""), 201);
		List<JsonNode> jobs = takeAll("batch-lanes");
		assertThat(jobs).extracting((job) -> job.get("payload").asInt()).containsExactly(3, 2, 1);
		assertThat(jobs.getFirst().get("group").asString()).isEqualTo("tenant-3");
	}

	@Test
	void badPrioritiesAndGroupsAreRefusedNamed() throws Exception {
		for (String query : List.of("priority=0", "priority=10", "priority=high", "priority=5.5")) {
			assertThat(body(send("POST", "/v1/queues/bad-lanes/jobs?" + query, "1"), 400).get("detail").asString())
				.as(query)
				.contains("priority");
		}
		assertThat(body(send("POST", "/v1/queues/bad-lanes/jobs?group=" + "g".repeat(129), "1"), 400).get("detail")
			.asString()).contains("'group'").contains("128");
		assertThat(body(send("POST", "/v1/queues/bad-lanes/jobs?group=a%0Ab", "1"), 400).get("detail").asString())
			.contains("'group'")
			.contains("control");
		assertThat(body(send("POST", "/v1/queues/bad-lanes/jobs/batch", "[{\"payload\": 1, \"priority\": 12}]"), 400)
			.get("detail")
			.asString()).contains("jobs[0].priority");
		assertThat(body(send("POST", "/v1/queues/bad-lanes/jobs/batch", "[{\"payload\": 1, \"priority\": \"9\"}]"), 400)
			.get("detail")
			.asString()).contains("jobs[0].priority");
		assertThat(body(send("POST", "/v1/queues/bad-lanes/jobs/batch", "[{\"payload\": 1, \"group\": \"\"}]"), 400)
			.get("detail")
			.asString()).contains("jobs[0].group");
		assertThat(send("GET", "/v1/queues/bad-lanes", "").statusCode()).as("nothing accepted, no queue made")
			.isEqualTo(404);
	}

}
