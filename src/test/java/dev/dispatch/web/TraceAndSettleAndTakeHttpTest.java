package dev.dispatch.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.dispatch.queue.QueueRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over a real socket: the producer's W3C trace context travels with its job to every
 * consumer, and a consumer settles what it finished and takes its next jobs in one
 * request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TraceAndSettleAndTakeHttpTest {

	private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	private HttpResponse<String> post(String path, String body, String... headers)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode body(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		return json.readTree(response.body());
	}

	private JsonNode takeOne(String queue) throws Exception {
		return body(post("/v1/queues/" + queue + "/leases?wait=0", ""), 200).get(0);
	}

	@Test
	void aPutsTraceHeadersComeBackWithTheJob() throws Exception {
		body(post("/v1/queues/traced/jobs", "{\"n\": 1}", "traceparent", PARENT, "tracestate", "vendor=opaque"), 201);
		JsonNode job = takeOne("traced");
		assertThat(job.get("traceparent").asString()).isEqualTo(PARENT);
		assertThat(job.get("tracestate").asString()).isEqualTo("vendor=opaque");
		JsonNode looked = body(http.send(HttpRequest
			.newBuilder(URI
				.create("http://127.0.0.1:" + this.port + "/v1/queues/traced/jobs/" + job.get("jobId").asString()))
			.build(), HttpResponse.BodyHandlers.ofString()), 200);
		assertThat(looked.get("traceparent").asString()).isEqualTo(PARENT);
	}

	@Test
	void anInvalidTraceHeaderIsIgnoredNotRefused() throws Exception {
		body(post("/v1/queues/untraced/jobs", "{\"n\": 1}", "traceparent", "00-not-a-trace-01"), 201);
		body(post("/v1/queues/untraced/jobs", "{\"n\": 2}"), 201);
		JsonNode first = takeOne("untraced");
		assertThat(first.has("traceparent")).as(first.toString()).isFalse();
		assertThat(first.has("tracestate")).isFalse();
	}

	@Test
	void aBatchsJobsCarryTheirOwnTraceOrTheRequests() throws Exception {
		String other = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
		body(post("/v1/queues/batch-traced/jobs/batch",
				"[{\"payload\": 1, \"traceparent\": \"" + other + "\", \"tracestate\": \"a=b\"}, {\"payload\": 2}]",
				"traceparent", PARENT), 201);
		JsonNode jobs = body(post("/v1/queues/batch-traced/leases?wait=0&max=2", ""), 200);
		assertThat(jobs.get(0).get("traceparent").asString()).isEqualTo(other);
		assertThat(jobs.get(0).get("tracestate").asString()).isEqualTo("a=b");
		assertThat(jobs.get(1).get("traceparent").asString()).isEqualTo(PARENT);
		assertThat(jobs.get(1).has("tracestate")).isFalse();
	}

	@Test
	void aBatchJobsInvalidTraceIsRefusedByName() throws Exception {
		HttpResponse<String> refused = post("/v1/queues/batch-bad/jobs/batch",
				"[{\"payload\": 1}, {\"payload\": 2, \"traceparent\": \"ff-nope\"}]");
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("jobs[1].traceparent");
		HttpResponse<String> alone = post("/v1/queues/batch-bad/jobs/batch",
				"[{\"payload\": 1, \"tracestate\": \"a=b\"}]");
		assertThat(alone.statusCode()).isEqualTo(400);
		assertThat(alone.body()).contains("jobs[0].tracestate goes with a traceparent");
		assertThat(this.registry.find("batch-bad")).isEmpty();
	}

	@Test
	void aConsumerAcksAndTakesItsNextJobInOneRequest() throws Exception {
		for (int n = 1; n <= 3; n++) {
			body(post("/v1/queues/looping/jobs", "{\"n\": " + n + "}"), 201);
		}
		JsonNode first = body(post("/v1/queues/looping/leases/settle?take=1&wait=0", "[]"), 200);
		assertThat(first.get("results")).isEmpty();
		assertThat(first.get("jobs").get(0).get("payload").get("n").asInt()).isEqualTo(1);
		String lease = first.get("jobs").get(0).get("leaseId").asString();

		JsonNode second = body(post("/v1/queues/looping/leases/settle?take=2&wait=0&lease=1m",
				"[{\"lease\": \"" + lease + "\", \"action\": \"ack\"}]"), 200);
		assertThat(second.get("results").get(0).get("outcome").asString()).isEqualTo("done");
		assertThat(second.get("jobs")).hasSize(2);
		assertThat(second.has("drained")).isFalse();
		assertThat(this.registry.require("looping").snapshot().join().inFlight()).isEqualTo(2);
	}

	@Test
	void aWaitingSettleAndTakeHasSettledAtOnceAndIsAnsweredByTheNextPut() throws Exception {
		body(post("/v1/queues/parked-loop/jobs", "{\"n\": 1}"), 201);
		String lease = takeOne("parked-loop").get("leaseId").asString();
		CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
			try {
				return post("/v1/queues/parked-loop/leases/settle?take=1&wait=20s",
						"[{\"lease\": \"" + lease + "\", \"action\": \"ack\"}]");
			}
			catch (IOException | InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.registry.require("parked-loop").snapshot().join().waitingTakers() == 1);
		assertThat(this.registry.require("parked-loop").snapshot().join().unfinished()).as("acked at once").isZero();
		body(post("/v1/queues/parked-loop/jobs", "{\"n\": 2}"), 201);
		JsonNode answer = body(waiting.get(), 200);
		assertThat(answer.get("results").get(0).get("outcome").asString()).isEqualTo("done");
		assertThat(answer.get("jobs").get(0).get("payload").get("n").asInt()).isEqualTo(2);
	}

	@Test
	void settlingTheLastLeaseOfAClosedQueueSaysDrained() throws Exception {
		body(post("/v1/queues/closing-loop/jobs", "{\"n\": 1}"), 201);
		String lease = takeOne("closing-loop").get("leaseId").asString();
		body(post("/v1/queues/closing-loop/close", ""), 200);
		JsonNode answer = body(post("/v1/queues/closing-loop/leases/settle?take=1&wait=5s",
				"[{\"lease\": \"" + lease + "\", \"action\": \"ack\"}]"), 200);
		assertThat(answer.get("results").get(0).get("outcome").asString()).isEqualTo("done");
		assertThat(answer.get("jobs")).isEmpty();
		assertThat(answer.get("drained").asBoolean()).isTrue();
	}

	@Test
	void badSettleAndTakeParametersAreRefusedAndNothingIsSettled() throws Exception {
		body(post("/v1/queues/bad-loop/jobs", "{\"n\": 1}"), 201);
		String lease = takeOne("bad-loop").get("leaseId").asString();
		String ack = "[{\"lease\": \"" + lease + "\", \"action\": \"ack\"}]";
		for (String query : new String[] { "?wait=1s", "?lease=1m", "?take=0", "?take=101", "?take=x",
				"?take=1&ack=auto", "?take=1&lease=0" }) {
			HttpResponse<String> refused = post("/v1/queues/bad-loop/leases/settle" + query, ack);
			assertThat(refused.statusCode()).as(query + ": " + refused.body()).isEqualTo(400);
		}
		assertThat(post("/v1/queues/bad-loop/leases/settle", "[]").statusCode()).as("a plain settle needs one")
			.isEqualTo(400);
		assertThat(this.registry.require("bad-loop").snapshot().join().inFlight()).isEqualTo(1);
	}

}
