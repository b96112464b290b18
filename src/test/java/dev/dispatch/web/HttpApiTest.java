package dev.dispatch.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.QueueSnapshot;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP API over a real socket: long-poll puts and takes, leases, close, join,
 * idempotency, and a clear 4xx problem for every bad input.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "dispatch.http.max-payload-size=1KB")
class HttpApiTest {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30));
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
		return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest post(String path, String body) {
		return request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build();
	}

	private HttpRequest post(String path) {
		return request(path).POST(HttpRequest.BodyPublishers.noBody()).build();
	}

	private HttpRequest putQueue(String queue, String settings) {
		return request("/v1/queues/" + queue).header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(settings))
			.build();
	}

	private QueueSnapshot state(String queue) {
		return this.registry.require(queue).snapshot().join();
	}

	private static String field(String json, String name) {
		int at = json.indexOf("\"" + name + "\":");
		assertThat(at).as("field %s in %s", name, json).isNotNegative();
		int start = at + name.length() + 3;
		if (json.charAt(start) == '"') {
			return json.substring(start + 1, json.indexOf('"', start + 1));
		}
		int end = start;
		while (end < json.length() && ",}]".indexOf(json.charAt(end)) < 0) {
			end++;
		}
		return json.substring(start, end);
	}

	private static void assertProblem(HttpResponse<String> response, int status, String type) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		assertThat(response.body()).contains("\"type\":\"/problems/" + type + "\"");
		assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.");
	}

	@Test
	void aJobGoesInAndComesOutByteForByteThenIsAcked() throws Exception {
		String payload = "{ \"n\" : 1.50, \"s\": \"é\\u00e9\" , \"a\":[1,2] }";
		HttpResponse<String> put = send(post("/v1/queues/basic/jobs?wait=0", payload));
		assertThat(put.statusCode()).isEqualTo(201);
		String id = field(put.body(), "id");
		assertThat(put.headers().firstValue("Location")).hasValue("/v1/queues/basic/jobs/" + id);

		HttpResponse<String> take = send(post("/v1/queues/basic/leases?wait=0"));
		assertThat(take.statusCode()).isEqualTo(200);
		assertThat(take.body()).contains("\"payload\":" + payload).contains("\"jobId\":\"" + id + "\"");
		assertThat(field(take.body(), "attempt")).isEqualTo("1");
		String leaseId = field(take.body(), "leaseId");

		assertThat(send(post("/v1/queues/basic/leases/" + leaseId + "/ack")).statusCode()).isEqualTo(204);
		assertProblem(send(post("/v1/queues/basic/leases/" + leaseId + "/ack")), 410, "lease-expired");
		assertThat(state("basic").unfinished()).isZero();
	}

	@Test
	void aBodySentAsAFormIsStillTakenAsTheJob() throws Exception {
		HttpRequest curlStyle = request("/v1/queues/form/jobs?wait=1s")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
			.build();
		assertThat(send(curlStyle).statusCode()).isEqualTo(201);
		assertThat(send(post("/v1/queues/form/leases?wait=0")).body()).contains("\"payload\":{\"a\":1}");
	}

	@Test
	void anAcceptThatAllowsNoJsonIsRefusedBeforeAnythingIsDone() throws Exception {
		send(putQueue("accept", "{}"));
		send(post("/v1/queues/accept/jobs", "1"));
		for (String path : List.of("/v1/queues/accept/purge", "/v1/queues/accept/jobs",
				"/v1/queues/accept/leases?wait=0", "/v1/queues/accept/close?immediate=true")) {
			HttpResponse<String> refused = send(request(path).header("Accept", "text/plain")
				.POST(HttpRequest.BodyPublishers.ofString("2"))
				.build());
			assertProblem(refused, 406, "not-acceptable");
			assertThat(refused.body()).as(path).contains("Accept: text/plain allows neither");
		}
		QueueSnapshot state = state("accept");
		assertThat(state.size()).as("nothing purged, put or taken").isEqualTo(1);
		assertThat(state.closed()).isFalse();
		for (String accept : List.of("application/json", "*/*", "application/*", "text/html, */*;q=0.1",
				"application/problem+json")) {
			HttpResponse<String> answer = send(request("/v1/queues/accept").header("Accept", accept).GET().build());
			assertThat(answer.statusCode()).as(accept).isEqualTo(200);
			assertThat(answer.headers().firstValue("Content-Type")).as(accept).hasValue("application/json");
		}
	}

	@Test
	void parametersComeFromTheQueryStringOnceAndAsTheySay() throws Exception {
		send(putQueue("params", "{}"));
		send(post("/v1/queues/params/jobs", "1"));
		HttpResponse<String> formClose = send(
				request("/v1/queues/params/close").header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString("immediate=true"))
					.build());
		assertThat(formClose.statusCode()).isEqualTo(200);
		assertThat(formClose.body()).as("a form field is not a parameter: a graceful close").contains("\"purged\":0");
		assertThat(state("params").size()).isEqualTo(1);

		HttpResponse<String> twoKeys = send(request("/v1/queues/params/jobs").header("Idempotency-Key", "a")
			.header("Idempotency-Key", "b")
			.POST(HttpRequest.BodyPublishers.ofString("2"))
			.build());
		assertProblem(twoKeys, 400, "invalid-request");
		assertThat(twoKeys.body()).contains("the Idempotency-Key header is sent more than once");
		HttpResponse<String> twice = send(post("/v1/queues/params/leases?max=1&max=100&wait=0"));
		assertProblem(twice, 400, "invalid-request");
		assertThat(twice.body()).contains("'max' is given more than once");
		HttpResponse<String> empty = send(post("/v1/queues/params/close?immediate="));
		assertThat(empty.body()).as("an empty value counts as absent: graceful").contains("\"purged\":0");
		for (String loose : List.of("yes", "1", "TRUE")) {
			HttpResponse<String> refused = send(post("/v1/queues/params/close?immediate=" + loose));
			assertProblem(refused, 400, "invalid-request");
			assertThat(refused.body()).contains("'immediate' must be true or false; got '" + loose + "'");
		}
		HttpResponse<String> limit = send(request("/v1/queues/params/jobs?limit=abc").GET().build());
		assertProblem(limit, 400, "invalid-request");
		assertThat(limit.body()).contains("'limit' must be a whole number from 1 to 1000; got 'abc'")
			.doesNotContain("Failed to convert");
		assertProblem(send(post("/v1/queues/params/redrive?id=")), 400, "invalid-request");
		assertThat(state("params").size()).as("nothing done by any of them").isEqualTo(1);
	}

	@Test
	void aTakeRefusesOptionsInItsBodyRatherThanIgnoringThem() throws Exception {
		send(putQueue("take-body", "{}"));
		send(post("/v1/queues/take-body/jobs", "1"));
		for (String contentType : List.of("application/json", "application/x-www-form-urlencoded")) {
			HttpResponse<String> refused = send(
					request("/v1/queues/take-body/leases?wait=0").header("Content-Type", contentType)
						.POST(HttpRequest.BodyPublishers.ofString("{\"max\": 3}"))
						.build());
			assertProblem(refused, 400, "invalid-request");
			assertThat(refused.body()).as(contentType).contains("options go in the query string");
		}
		assertThat(state("take-body").size()).as("nothing taken").isEqualTo(1);
		assertThat(send(post("/v1/queues/take-body/leases?wait=0", " { } ")).statusCode()).isEqualTo(200);
		assertThat(send(post("/v1/queues/take-body/leases?wait=0", "null")).statusCode()).isEqualTo(204);
		assertThat(send(post("/v1/queues/take-body/leases?wait=0", "")).statusCode()).isEqualTo(204);
	}

	@Test
	void aBodySentAsMultipartIsStillTakenAsTheJob() throws Exception {
		HttpRequest multipart = request("/v1/queues/multipart/jobs?wait=1s")
			.header("Content-Type", "multipart/form-data; boundary=x")
			.POST(HttpRequest.BodyPublishers.ofString("{\"a\":2}"))
			.build();
		assertThat(send(multipart).statusCode()).isEqualTo(201);
		assertThat(send(post("/v1/queues/multipart/leases?wait=0")).body()).contains("\"payload\":{\"a\":2}");
	}

	@Test
	void settingsSentAsAFormAreStillReadAsJson() throws Exception {
		HttpRequest curlStyle = request("/v1/queues/form-settings")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"capacity\": 5}"))
			.build();
		assertThat(send(curlStyle).statusCode()).isEqualTo(201);
		assertThat(state("form-settings").capacity()).isEqualTo(5);
	}

	@Test
	void aParkedTakeIsReleasedByAPut() throws Exception {
		send(putQueue("waiting-take", "{}"));
		CompletableFuture<HttpResponse<String>> take = sendAsync(post("/v1/queues/waiting-take/leases?wait=20s"));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state("waiting-take").waitingTakers() == 1);
		assertThat(send(post("/v1/queues/waiting-take/jobs", "\"hello\"")).statusCode()).isEqualTo(201);
		HttpResponse<String> answer = take.get(10, TimeUnit.SECONDS);
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).contains("\"payload\":\"hello\"");
	}

	@Test
	void aParkedPutIsReleasedByATakeAndAFullQueueAnswers503() throws Exception {
		assertThat(send(putQueue("tight", "{\"capacity\": 1}")).statusCode()).isEqualTo(201);
		assertThat(send(post("/v1/queues/tight/jobs", "1")).statusCode()).isEqualTo(201);
		HttpResponse<String> full = send(post("/v1/queues/tight/jobs?wait=0", "2"));
		assertProblem(full, 429, "queue-full");
		assertThat(full.headers().firstValue("Retry-After")).hasValue("1");

		CompletableFuture<HttpResponse<String>> parked = sendAsync(post("/v1/queues/tight/jobs?wait=20s", "3"));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state("tight").waitingPutters() == 1);
		assertThat(send(post("/v1/queues/tight/leases?wait=0&ack=auto")).body()).contains("\"payload\":1");
		assertThat(parked.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
	}

	@Test
	void aWaitThatElapsesAnswersEmptyOrFull() throws Exception {
		send(putQueue("elapsing", "{\"capacity\": 1}"));
		assertThat(send(post("/v1/queues/elapsing/leases?wait=200ms")).statusCode()).isEqualTo(204);
		send(post("/v1/queues/elapsing/jobs", "1"));
		assertProblem(send(post("/v1/queues/elapsing/jobs?wait=0.2", "2")), 429, "queue-full");
		assertThat(state("elapsing").size()).isEqualTo(1);
	}

	@Test
	void closeAnswersParkedPutsAndTakesAndDrainWaitsForLeases() throws Exception {
		send(putQueue("closing", "{\"capacity\": 1}"));
		send(post("/v1/queues/closing/jobs", "1"));
		CompletableFuture<HttpResponse<String>> parkedPut = sendAsync(post("/v1/queues/closing/jobs?wait=20s", "2"));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state("closing").waitingPutters() == 1);

		HttpResponse<String> closed = send(post("/v1/queues/closing/close"));
		assertThat(closed.statusCode()).isEqualTo(200);
		assertThat(field(closed.body(), "closed")).isEqualTo("true");
		assertProblem(parkedPut.get(10, TimeUnit.SECONDS), 409, "queue-closed");
		assertProblem(send(post("/v1/queues/closing/jobs", "3")), 409, "queue-closed");

		String leaseId = field(send(post("/v1/queues/closing/leases?wait=0")).body(), "leaseId");
		CompletableFuture<HttpResponse<String>> parkedTake = sendAsync(post("/v1/queues/closing/leases?wait=20s"));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state("closing").waitingTakers() == 1);
		assertThat(parkedTake).as("an outstanding lease may still bring the job back").isNotDone();
		send(post("/v1/queues/closing/leases/" + leaseId + "/ack"));
		assertProblem(parkedTake.get(10, TimeUnit.SECONDS), 410, "queue-drained");
		assertProblem(send(post("/v1/queues/closing/leases?wait=0")), 410, "queue-drained");
	}

	@Test
	void immediateCloseReportsPurgedJobs() throws Exception {
		send(post("/v1/queues/purging/jobs", "1"));
		send(post("/v1/queues/purging/jobs", "2"));
		HttpResponse<String> closed = send(post("/v1/queues/purging/close?immediate=true"));
		assertThat(field(closed.body(), "purged")).isEqualTo("2");
		assertThat(state("purging.dead").size()).isEqualTo(2);
		assertThat(send(post("/v1/queues/purging.dead/leases?wait=0")).body())
			.contains("\"deadLetter\":{\"queue\":\"purging\",\"reason\":\"purged\",\"attempts\":0}");
	}

	@Test
	void nackAndExtendSettleLeases() throws Exception {
		send(post("/v1/queues/leasing/jobs", "\"job\""));
		String first = field(send(post("/v1/queues/leasing/leases?wait=0&lease=30s")).body(), "leaseId");
		HttpResponse<String> extended = send(post("/v1/queues/leasing/leases/" + first + "/extend?by=2m"));
		assertThat(extended.statusCode()).isEqualTo(200);
		assertThat(extended.body()).contains("leaseExpiresAt");
		assertThat(send(post("/v1/queues/leasing/leases/" + first + "/nack")).statusCode()).isEqualTo(204);
		HttpResponse<String> again = send(post("/v1/queues/leasing/leases?wait=0"));
		assertThat(field(again.body(), "attempt")).isEqualTo("2");
		String second = field(again.body(), "leaseId");
		assertThat(send(post("/v1/queues/leasing/leases/" + second + "/nack?delay=1m")).statusCode()).isEqualTo(204);
		assertThat(state("leasing").delayed()).isEqualTo(1);
		assertProblem(send(post("/v1/queues/leasing/leases/" + second + "/extend")), 410, "lease-expired");
	}

	@Test
	void aDelayedPutWaitsBeforeItIsReady() throws Exception {
		HttpResponse<String> put = send(post("/v1/queues/later/jobs?delay=1m", "\"later\""));
		assertThat(put.statusCode()).isEqualTo(201);
		Instant enqueuedAt = Instant.parse(field(put.body(), "enqueuedAt"));
		assertThat(Instant.parse(field(put.body(), "readyAt"))).isEqualTo(enqueuedAt.plus(Duration.ofMinutes(1)));
		assertThat(state("later").delayed()).isEqualTo(1);
		assertThat(send(post("/v1/queues/later/leases?wait=0")).statusCode()).isEqualTo(204);
		HttpResponse<String> now = send(post("/v1/queues/later/jobs?delay=0", "\"now\""));
		assertThat(now.body()).doesNotContain("readyAt");
		assertThat(send(post("/v1/queues/later/leases?wait=0")).body()).contains("\"payload\":\"now\"");
		assertProblem(send(post("/v1/queues/later/jobs?delay=-1s", "1")), 400, "invalid-request");
		assertProblem(send(post("/v1/queues/later/jobs?delay=soon", "1")), 400, "invalid-request");
		assertProblem(send(post("/v1/queues/later/jobs?delay=400d", "1")), 400, "invalid-request");
		assertThat(state("later").delayed()).isEqualTo(1);
	}

	@Test
	void thePutsLocationLeadsToTheJob() throws Exception {
		HttpResponse<String> put = send(post("/v1/queues/located/jobs", "{\"to\": \"ada\"}"));
		String location = put.headers().firstValue("Location").orElseThrow();
		String id = field(put.body(), "id");
		assertThat(location).isEqualTo("/v1/queues/located/jobs/" + id);
		HttpResponse<String> job = send(request(location).GET().build());
		assertThat(job.statusCode()).isEqualTo(200);
		assertThat(job.body()).contains("\"state\":\"ready\"", "\"payload\":{\"to\": \"ada\"}", "\"attempt\":0",
				"\"queue\":\"located\"");
		String lease = field(send(post("/v1/queues/located/leases?wait=0")).body(), "leaseId");
		assertThat(send(request(location).GET().build()).body()).contains("\"state\":\"leased\"", "leaseExpiresAt");
		send(post("/v1/queues/located/leases/" + lease + "/ack"));
		HttpResponse<String> gone = send(request(location).GET().build());
		assertProblem(gone, 404, "job-not-found");
		assertThat(gone.body()).contains("dead-letter queue");
		assertProblem(send(request("/v1/queues/nowhere/jobs/" + id).GET().build()), 404, "queue-not-found");
	}

	@Test
	void anOperatorRedrivesDeadLettersHome() throws Exception {
		send(request("/v1/queues/redriven").PUT(HttpRequest.BodyPublishers.ofString("{\"maxAttempts\": 1}"))
			.header("Content-Type", "application/json")
			.build());
		List<String> ids = new ArrayList<>();
		for (String payload : List.of("\"a\"", "\"b\"", "\"c\"")) {
			ids.add(field(send(post("/v1/queues/redriven/jobs", payload)).body(), "id"));
			String lease = field(send(post("/v1/queues/redriven/leases?wait=0")).body(), "leaseId");
			send(post("/v1/queues/redriven/leases/" + lease + "/nack"));
		}
		assertThat(state("redriven.dead").size()).isEqualTo(3);
		HttpResponse<String> first = send(post("/v1/queues/redriven.dead/redrive?max=1"));
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.body()).isEqualTo("{\"moved\":1,\"queues\":{\"redriven\":1},\"left\":0}");
		HttpResponse<String> named = send(
				post("/v1/queues/redriven.dead/redrive?id=" + ids.get(2) + "&id=0193a5c2-7d1e-7c3b-9f2a-5b8e4d1c2a10"));
		assertThat(field(named.body(), "moved")).isEqualTo("1");
		assertThat(send(request("/v1/queues/redriven/jobs/" + ids.get(2)).GET().build()).body())
			.contains("\"attempt\":0")
			.doesNotContain("deadLetter");
		assertThat(field(send(post("/v1/queues/redriven.dead/redrive")).body(), "moved")).isEqualTo("1");
		assertThat(state("redriven").size()).isEqualTo(3);
		assertProblem(send(post("/v1/queues/redriven.dead/redrive?max=0")), 400, "invalid-request");
		assertProblem(send(post("/v1/queues/nowhere/redrive")), 404, "queue-not-found");
	}

	@Test
	void anOperatorPurgesAQueueWithoutClosingIt() throws Exception {
		send(post("/v1/queues/purged/jobs", "1"));
		send(post("/v1/queues/purged/jobs?delay=1h", "2"));
		HttpResponse<String> purged = send(post("/v1/queues/purged/purge"));
		assertThat(purged.statusCode()).isEqualTo(200);
		assertThat(field(purged.body(), "purged")).isEqualTo("2");
		assertThat(purged.body()).contains("\"closed\":false", "\"size\":0", "\"delayed\":0");
		assertThat(send(post("/v1/queues/purged/jobs", "3")).statusCode()).isEqualTo(201);
		assertProblem(send(post("/v1/queues/nowhere/purge")), 404, "queue-not-found");
	}

	@Test
	void aQueuesJobsAreListedAPageAtATime() throws Exception {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(field(send(post("/v1/queues/listed/jobs", "{\"n\":" + i + "}")).body(), "id"));
		}
		HttpResponse<String> first = send(request("/v1/queues/listed/jobs?limit=2").GET().build());
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.body()).startsWith("{\"jobs\":[{\"id\":\"" + ids.get(0) + "\"")
			.contains("\"payload\":{\"n\":1}", "\"state\":\"ready\"")
			.endsWith("\"next\":\"" + ids.get(1) + "\"}");
		HttpResponse<String> last = send(request("/v1/queues/listed/jobs?limit=2&after=" + ids.get(1)).GET().build());
		assertThat(last.body()).contains(ids.get(2)).doesNotContain(ids.get(0)).endsWith("\"next\":null}");
		assertThat(send(request("/v1/queues/listed/jobs?state=leased").GET().build()).body())
			.isEqualTo("{\"jobs\":[],\"next\":null}");
		// a cursor is any text: jobs whose ids sort after it
		assertThat(send(request("/v1/queues/listed/jobs?after=zzz").GET().build()).body())
			.isEqualTo("{\"jobs\":[],\"next\":null}");
		assertThat(send(request("/v1/queues/listed/jobs?after=").GET().build()).body()).contains(ids.get(0));
		assertProblem(send(request("/v1/queues/listed/jobs?state=gone").GET().build()), 400, "invalid-request");
		assertProblem(send(request("/v1/queues/listed/jobs?limit=0").GET().build()), 400, "invalid-request");
		assertProblem(send(request("/v1/queues/listed/jobs?limit=1001").GET().build()), 400, "invalid-request");
		assertProblem(send(request("/v1/queues/nowhere/jobs").GET().build()), 404, "queue-not-found");
	}

	@Test
	void anOperatorPausesAndResumesDelivery() throws Exception {
		send(post("/v1/queues/braked/jobs", "\"a\""));
		HttpResponse<String> paused = send(post("/v1/queues/braked/pause"));
		assertThat(paused.statusCode()).isEqualTo(200);
		assertThat(paused.body()).contains("\"paused\":true").contains("\"oldestReadyAt\"");
		assertThat(send(post("/v1/queues/braked/leases?wait=0")).statusCode()).isEqualTo(204);
		assertThat(send(post("/v1/queues/braked/jobs", "\"b\"")).statusCode()).isEqualTo(201);
		assertThat(send(request("/v1/queues/braked").GET().build()).body()).contains("\"paused\":true", "\"size\":2");
		HttpResponse<String> resumed = send(post("/v1/queues/braked/resume"));
		assertThat(resumed.body()).contains("\"paused\":false");
		assertThat(send(post("/v1/queues/braked/leases?wait=0")).body()).contains("\"payload\":\"a\"");
		assertProblem(send(post("/v1/queues/nowhere/pause")), 404, "queue-not-found");
		assertProblem(send(post("/v1/queues/nowhere/resume")), 404, "queue-not-found");
	}

	@Test
	void aReleasedJobComesBackAtOnceWithoutCountingTheAttempt() throws Exception {
		send(post("/v1/queues/releasing/jobs", "\"first\""));
		send(post("/v1/queues/releasing/jobs", "\"second\""));
		HttpResponse<String> taken = send(post("/v1/queues/releasing/leases?wait=0"));
		assertThat(field(taken.body(), "attempt")).isEqualTo("1");
		String lease = field(taken.body(), "leaseId");
		assertThat(send(post("/v1/queues/releasing/leases/" + lease + "/release")).statusCode()).isEqualTo(204);
		assertProblem(send(post("/v1/queues/releasing/leases/" + lease + "/release")), 410, "lease-expired");
		assertProblem(send(post("/v1/queues/releasing/leases/" + lease + "/ack")), 410, "lease-expired");
		// back at the head, its attempt not counted
		HttpResponse<String> again = send(post("/v1/queues/releasing/leases?wait=0"));
		assertThat(again.body()).contains("\"payload\":\"first\"");
		assertThat(field(again.body(), "attempt")).isEqualTo("1");
		assertProblem(send(post("/v1/queues/nowhere/leases/" + lease + "/release")), 404, "queue-not-found");
	}

	@Test
	void autoAckTakesSettleAtDelivery() throws Exception {
		send(post("/v1/queues/auto/jobs", "7"));
		HttpResponse<String> take = send(post("/v1/queues/auto/leases?wait=0&ack=auto"));
		assertThat(take.body()).contains("\"leaseId\":null").contains("\"leaseExpiresAt\":null");
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> state("auto").unfinished() == 0);
	}

	@Test
	void aRepeatedIdempotencyKeyAnswersTheOriginalJob() throws Exception {
		HttpRequest keyed = request("/v1/queues/keyed/jobs").header("Idempotency-Key", "order-42")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build();
		HttpResponse<String> first = send(keyed);
		HttpResponse<String> second = send(keyed);
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(second.statusCode()).isEqualTo(200);
		assertThat(field(second.body(), "id")).isEqualTo(field(first.body(), "id"));
		assertThat(state("keyed").size()).isEqualTo(1);
	}

	@Test
	void joinAnswersWhenNothingIsUnfinished() throws Exception {
		send(post("/v1/queues/joined/jobs", "1"));
		HttpResponse<String> pending = send(request("/v1/queues/joined/join?wait=100ms").GET().build());
		assertThat(pending.statusCode()).isEqualTo(202);
		assertThat(field(pending.body(), "unfinished")).isEqualTo("1");
		CompletableFuture<HttpResponse<String>> join = sendAsync(
				request("/v1/queues/joined/join?wait=20s").GET().build());
		send(post("/v1/queues/joined/leases?ack=auto&wait=0"));
		assertThat(join.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
	}

	@Test
	void queuesAreCreatedListedAndDeleted() throws Exception {
		HttpResponse<String> created = send(
				putQueue("admin", "{\"capacity\": 5, \"leaseTimeout\": \"2m\", \"maxAttempts\": 2}"));
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(created.body()).contains("\"capacity\":5")
			.contains("\"leaseTimeout\":\"PT2M\"")
			.contains("\"deadLetterQueue\":\"admin.dead\"");
		HttpResponse<String> updated = send(putQueue("admin", "{\"capacity\": 8}"));
		assertThat(updated.statusCode()).isEqualTo(200);
		assertThat(updated.body()).contains("\"capacity\":8").contains("\"maxAttempts\":2");
		assertThat(send(request("/v1/queues").GET().build()).body()).contains("\"name\":\"admin\"");
		assertThat(send(request("/v1/queues/admin").GET().build()).statusCode()).isEqualTo(200);
		assertThat(send(request("/v1/queues/admin").DELETE().build()).statusCode()).isEqualTo(204);
		assertProblem(send(request("/v1/queues/admin").GET().build()), 404, "queue-not-found");
		assertProblem(send(request("/v1/queues/admin").DELETE().build()), 404, "queue-not-found");
	}

	@Test
	void everyBadInputGetsAClearClientErrorAndEnqueuesNothing() throws Exception {
		send(putQueue("strict", "{}"));
		List<HttpRequest> badJobs = List.of(post("/v1/queues/strict/jobs", "{\"unclosed\": "),
				post("/v1/queues/strict/jobs", "{} {}"), post("/v1/queues/strict/jobs", ""),
				post("/v1/queues/strict/jobs", "not json"), post("/v1/queues/strict/jobs?wait=-1", "1"),
				post("/v1/queues/strict/jobs?wait=soon", "1"));
		for (HttpRequest bad : badJobs) {
			assertProblem(send(bad), 400, "invalid-request");
		}
		assertProblem(send(post("/v1/queues/strict/jobs", "\"" + "x".repeat(2000) + "\"")), 413, "payload-too-large");
		assertThat(state("strict").unfinished()).isZero();

		assertProblem(send(post("/v1/queues/bad%20name/jobs", "1")), 400, "invalid-request");
		assertProblem(send(post("/v1/queues/" + "n".repeat(129) + "/jobs", "1")), 400, "invalid-request");
		assertProblem(send(putQueue("strict", "{\"capacity\": 0}")), 400, "invalid-request");
		assertProblem(send(putQueue("strict", "{\"leaseTimeout\": \"forever\"}")), 400, "invalid-request");
		assertProblem(send(putQueue("strict", "{\"capacity\": \"many\"}")), 400, "invalid-request");
		assertProblem(send(putQueue("strict", "{\"deadLetterQueue\": \"strict\"}")), 400, "invalid-request");
		for (String settings : List.of("[]", "null", "1", "\"x\"", "{\"capacity\": 5} {}", "{\"deadLetterQueue\": 5}",
				"{\"capacity\": 5, \"capacity\": 6}", "{\"capacity\": 2147483648}", "{\"maxAttempts\": true}",
				"{\"leaseTimeout\": 1e400}", "{\"capacity\": -3000000000}")) {
			HttpResponse<String> refused = send(putQueue("strict", settings));
			assertProblem(refused, 400, "invalid-request");
			assertThat(refused.body()).as(settings).doesNotContain("dev.dispatch", "Views", "Feature", "`");
		}
		assertThat(send(putQueue("strict", "{\"capacity\": 2147483648}")).body()).contains("from 1 to 2147483647");
		for (String payload : List.of("NaN", "1" + "0".repeat(1010))) {
			HttpResponse<String> refused = send(post("/v1/queues/strict/jobs", payload));
			assertProblem(refused, 400, "invalid-request");
			assertThat(refused.body()).as(payload.substring(0, 3)).doesNotContain("Feature", "Constraints", "`");
		}
		assertProblem(send(post("/v1/queues/strict/leases?max=0")), 400, "invalid-request");
		assertProblem(send(post("/v1/queues/strict/leases?max=lots")), 400, "invalid-request");
		assertProblem(send(post("/v1/queues/strict/leases?ack=sometimes")), 400, "invalid-request");
		assertProblem(send(post("/v1/queues/strict/leases?lease=0")), 400, "invalid-request");
		assertProblem(send(post("/v1/queues/strict/close?immediate=maybe")), 400, "invalid-request");
		assertProblem(send(post("/v1/queues/strict/leases/nope/nack?delay=-5s")), 400, "invalid-request");
		assertProblem(send(post("/v1/queues/strict/leases/nope/ack")), 410, "lease-expired");
		assertProblem(send(post("/v1/queues/nowhere/leases?wait=0")), 404, "queue-not-found");
		assertProblem(send(post("/v1/queues/nowhere/close")), 404, "queue-not-found");
		assertProblem(send(request("/v1/queues/nowhere/join").GET().build()), 404, "queue-not-found");
		assertProblem(send(request("/v1/nothing-here").GET().build()), 404, "not-found");
		HttpResponse<String> typo = send(post("/v1/queues/strict/job", "1"));
		assertProblem(typo, 404, "not-found");
		assertThat(typo.body()).contains("there is no endpoint POST /v1/queues/strict/job;", "/v3/api-docs")
			.doesNotContain("static resource");
		assertThat(send(post("/v1/queues/strict/jobs/", "1")).body()).contains("(paths end without a slash)");
		HttpResponse<String> unclosed = send(post("/v1/queues/strict/jobs", "{\"n\": 1"));
		assertProblem(unclosed, 400, "invalid-request");
		assertThat(unclosed.body()).contains("the body is not valid JSON at line 1, column ")
			.doesNotContain("Source")
			.doesNotContain("REDACTED");
		assertProblem(send(request("/v1/queues/strict/jobs").DELETE().build()), 405, "method-not-allowed");
	}

	@Test
	void deleteKeepsTheJobsInTheDeadLetterQueueUnlessAskedToDiscardThem() throws Exception {
		assertThat(send(putQueue("kept", "{}")).statusCode()).isEqualTo(201);
		assertThat(send(post("/v1/queues/kept/jobs", "\"a\"")).statusCode()).isEqualTo(201);
		assertThat(send(request("/v1/queues/kept").DELETE().build()).statusCode()).isEqualTo(204);
		assertThat(state("kept.dead").size()).isEqualTo(1);

		assertThat(send(request("/v1/queues/kept.dead?discard=true").DELETE().build()).statusCode()).isEqualTo(204);
		assertThat(this.registry.find("kept.dead")).isEmpty();
		assertThat(this.registry.find("kept.dead.dead")).isEmpty();
	}

}
