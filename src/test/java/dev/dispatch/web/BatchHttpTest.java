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
	void aBatchPutAnswersEachJobInOrderAndKeepsPayloadsByteForByte() throws Exception {
		List<String> payloads = List.of("{ \"n\" : 1.50, \"s\": \"é\\u00e9\" , \"a\":[1,2] }", "\"str\\\"ing\"",
				"12.5e3", "-0", "true", "null", "[ ]");
		StringBuilder body = new StringBuilder("[\n");
		for (String payload : payloads) {
			body.append("  {\"payload\":")
				.append(payload)
				.append(" ,\"idempotencyKey\": \"k-")
				.append(payload.length())
				.append(payload.hashCode())
				.append("\"},\n");
		}
		body.append("  {\"delay\": \"1m\", \"payload\": {\"later\": true}}\n]");
		JsonNode accepted = body(post("/v1/queues/batched/jobs/batch?wait=0", body.toString()), 201);
		assertThat(accepted.get("queue").asString()).isEqualTo("batched");
		JsonNode jobs = accepted.get("jobs");
		assertThat(jobs).hasSize(payloads.size() + 1);
		assertThat(jobs.get(0).has("readyAt")).isFalse();
		assertThat(jobs.get(payloads.size()).has("readyAt")).as("the delayed job").isTrue();
		assertThat(jobs.get(0).has("duplicate")).isFalse();
		QueueSnapshot state = state("batched");
		assertThat(state.size()).isEqualTo(payloads.size());
		assertThat(state.delayed()).isEqualTo(1);

		String taken = post("/v1/queues/batched/leases?wait=0&max=100", "").body();
		for (int i = 0; i < payloads.size(); i++) {
			JsonNode job = json.readTree(taken).get(i);
			assertThat(job.get("jobId").asString()).isEqualTo(jobs.get(i).get("id").asString());
		}
		// byte for byte: each payload appears in the answer exactly as sent, in order
		int at = 0;
		for (String payload : payloads) {
			int found = taken.indexOf("\"payload\":" + payload + ",", at);
			assertThat(found).as("payload %s in %s", payload, taken).isGreaterThanOrEqualTo(at);
			at = found;
		}

		// the same keys again: nothing created, the original jobs
		String again = "[{\"payload\": 0, \"idempotencyKey\": \"k-" + payloads.get(2).length()
				+ payloads.get(2).hashCode() + "\"}]";
		JsonNode repeated = body(post("/v1/queues/batched/jobs/batch", again), 200).get("jobs").get(0);
		assertThat(repeated.get("id").asString()).isEqualTo(jobs.get(2).get("id").asString());
		assertThat(repeated.get("duplicate").asBoolean()).isTrue();
	}

	@Test
	void aBatchIsAcceptedWholeOrNotAtAll() throws Exception {
		body(post("/v1/queues/small-batches/jobs?wait=0", "0"), 201);
		this.registry.configure("small-batches",
				new dev.dispatch.queue.QueueConfig(3, Duration.ofSeconds(30), 3, null));
		assertProblem(post("/v1/queues/small-batches/jobs/batch?wait=0",
				"[{\"payload\": 1}, {\"payload\": 2}, {\"payload\": 3}]"), 429, "queue-full");
		HttpResponse<String> beyond = post("/v1/queues/small-batches/jobs/batch?wait=5s",
				"[{\"payload\": 1}, {\"payload\": 2}, {\"payload\": 3}, {\"payload\": 4}]");
		assertProblem(beyond, 413, "batch-beyond-capacity");
		assertThat(beyond.headers().firstValue("Retry-After")).as("waiting would not help").isEmpty();
		assertThat(beyond.body()).contains("small-batches");
		assertThat(state("small-batches").size()).as("nothing of them enqueued").isEqualTo(1);
		java.util.concurrent.CompletableFuture<HttpResponse<String>> parked = http.sendAsync(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/queues/small-batches/jobs/batch?wait=20s"))
			.POST(HttpRequest.BodyPublishers.ofString("[{\"payload\": 1}, {\"payload\": 2}, {\"payload\": 3}]"))
			.build(), HttpResponse.BodyHandlers.ofString());
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> state("small-batches").waitingPutters() == 1);
		String lease = json.readTree(post("/v1/queues/small-batches/leases?wait=0", "").body())
			.get(0)
			.get("leaseId")
			.asString();
		body(post("/v1/queues/small-batches/leases/" + lease + "/ack", ""), 204);
		assertThat(body(parked.get(), 201).get("jobs")).hasSize(3);
		assertThat(state("small-batches").size()).isEqualTo(3);
		this.registry.require("small-batches").close(dev.dispatch.queue.CloseMode.GRACEFUL).join();
		assertProblem(post("/v1/queues/small-batches/jobs/batch", "[{\"payload\": 1}]"), 409, "queue-closed");
	}

	@Test
	void everyBadBatchIsRefusedWholeAndEnqueuesNothing() throws Exception {
		String good = "{\"payload\": {\"ok\": true}}";
		List<String> bad = List.of("", "[]", "{}", "not json", "[" + good + "] []", "[" + good + ", 1]",
				"[" + good + ", {}]", "[" + good + ", {\"payload\": }]", "[" + good + ", {\"payload\": 1, \"x\": 2}]",
				"[" + good + ", {\"payload\": 1, \"idempotencyKey\": 5}]",
				"[" + good + ", {\"payload\": 1, \"idempotencyKey\": \"\"}]",
				"[" + good + ", {\"payload\": 1, \"idempotencyKey\": \"" + "k".repeat(257) + "\"}]",
				"[" + good + ", {\"payload\": 1, \"delay\": \"soon\"}]",
				"[" + good + ", {\"payload\": 1, \"delay\": -1}]", "[" + good + ", {\"payload\": 1, \"delay\": true}]",
				"[" + good + ", {\"payload\": 1, \"payload\": 2}]", "[" + (good + ",").repeat(100) + good + "]");
		for (String body : bad) {
			assertProblem(post("/v1/queues/strict-batch/jobs/batch", body), 400, "invalid-request");
		}
		assertProblem(post("/v1/queues/strict-batch/jobs/batch?priority=1", "[" + good + "]"), 400, "invalid-request");
		assertProblem(post("/v1/queues/strict-batch/jobs/batch?wait=soon", "[" + good + "]"), 400, "invalid-request");
		// not UTF-8: refused, not guessed
		HttpResponse<String> utf16 = http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/queues/strict-batch/jobs/batch"))
			.POST(HttpRequest.BodyPublishers.ofByteArray(("[" + good + "]").getBytes(StandardCharsets.UTF_16LE)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertProblem(utf16, 400, "invalid-request");
		assertProblem(post("/v1/queues/strict-batch/jobs/batch", "[{\"payload\": \"" + "x".repeat(1100) + "\"}]"), 413,
				"payload-too-large");
		assertProblem(post("/v1/queues/strict-batch/jobs/batch", "[" + (good + ",").repeat(250) + good + "]"), 413,
				"payload-too-large");
		assertThat(this.registry.find("strict-batch")).as("nothing put, not even the queue").isEmpty();
		assertProblem(post("/v1/queues/bad%20name/jobs/batch", "[" + good + "]"), 400, "invalid-request");
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
				"[" + ack + ", {\"lease\": \"x\", \"lease\": \"y\", \"action\": \"ack\"}]",
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
