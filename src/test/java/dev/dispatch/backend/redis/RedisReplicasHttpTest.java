package dev.dispatch.backend.redis;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.dispatch.DispatchApplication;
import dev.dispatch.support.RedisServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of the service — two application contexts on their own ports — on one real
 * redis-server, driven over HTTP: whatever one replica is asked, the other sees, and a
 * request parked on one is answered by what happens through the other.
 */
class RedisReplicasHttpTest {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static RedisServer redis;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	private static int a;

	private static int b;

	@BeforeAll
	static void startReplicas() {
		redis = RedisServer.start();
		first = replica();
		second = replica();
		a = port(first);
		b = port(second);
	}

	@AfterAll
	static void stopReplicas() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { first, second }) {
			if (context != null) {
				context.close();
			}
		}
		if (redis != null) {
			redis.close();
		}
	}

	private static ConfigurableApplicationContext replica() {
		// arguments, not default properties: application.yaml names the memory backend
		return new SpringApplicationBuilder(DispatchApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--dispatch.backend=redis", "--spring.data.redis.url=" + redis.uri(),
				"--dispatch.redis.key-prefix=replicas", "--spring.jmx.enabled=false");
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static HttpRequest request(int port, String method, String path, String body) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
	}

	private static HttpResponse<String> send(int port, String method, String path, String body)
			throws IOException, InterruptedException {
		return http.send(request(port, method, path, body), HttpResponse.BodyHandlers.ofString());
	}

	private static CompletableFuture<HttpResponse<String>> park(int port, String method, String path) {
		return park(port, method, path, null);
	}

	private static CompletableFuture<HttpResponse<String>> park(int port, String method, String path, String body) {
		return http.sendAsync(request(port, method, path, body), HttpResponse.BodyHandlers.ofString());
	}

	private static void awaitParked(int port, String queue, String waiters) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> send(port, "GET", "/v1/queues/" + queue, null).body().contains(waiters));
	}

	private static String field(String json, String name) {
		int at = json.indexOf("\"" + name + "\":\"");
		assertThat(at).as("field %s in %s", name, json).isNotNegative();
		int start = at + name.length() + 4;
		return json.substring(start, json.indexOf('"', start));
	}

	private static void create(int port, String queue, String settings) throws Exception {
		assertThat(send(port, "PUT", "/v1/queues/" + queue, settings).statusCode()).isEqualTo(201);
	}

	@Test
	void aTakeParkedOnOneReplicaIsAnsweredByAPutThroughTheOther() throws Exception {
		create(a, "handoff", "{\"capacity\": 10}");
		CompletableFuture<HttpResponse<String>> parked = park(a, "POST", "/v1/queues/handoff/leases?wait=20s");
		awaitParked(a, "handoff", "\"waitingTakers\":1");
		HttpResponse<String> put = send(b, "POST", "/v1/queues/handoff/jobs", "{\"n\":1}");
		assertThat(put.statusCode()).isEqualTo(201);
		HttpResponse<String> taken = parked.get(10, TimeUnit.SECONDS);
		assertThat(taken.statusCode()).isEqualTo(200);
		assertThat(taken.body()).contains(field(put.body(), "id"));
	}

	@Test
	void aQueueDeletedThroughOneReplicaIsMadeAgainThroughTheOtherThatStillKnewIt() throws Exception {
		create(a, "again", "{\"capacity\": 10}");
		assertThat(send(b, "DELETE", "/v1/queues/again", null).statusCode()).isEqualTo(204);
		HttpResponse<String> made = send(a, "PUT", "/v1/queues/again", "{\"maxAttempts\": 7}");
		assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
		assertThat(made.body()).contains("\"capacity\":1000", "\"maxAttempts\":7");
	}

	@Test
	void aPutParkedOnAFullQueueIsAdmittedWhenAConsumerTakesThroughTheOther() throws Exception {
		create(a, "full", "{\"capacity\": 1}");
		assertThat(send(a, "POST", "/v1/queues/full/jobs", "1").statusCode()).isEqualTo(201);
		CompletableFuture<HttpResponse<String>> parked = park(b, "POST", "/v1/queues/full/jobs?wait=20s", "2");
		awaitParked(b, "full", "\"waitingPutters\":1");
		assertThat(send(a, "POST", "/v1/queues/full/leases?ack=auto", null).statusCode()).isEqualTo(200);
		assertThat(parked.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
	}

	@Test
	void aLeaseTakenThroughOneReplicaIsSettledThroughTheOther() throws Exception {
		create(a, "leases", "{\"capacity\": 10}");
		send(a, "POST", "/v1/queues/leases/jobs", "1");
		send(a, "POST", "/v1/queues/leases/jobs", "2");
		String first = field(send(a, "POST", "/v1/queues/leases/leases", null).body(), "leaseId");
		HttpResponse<String> extended = send(b, "POST", "/v1/queues/leases/leases/" + first + "/extend?by=60s", null);
		assertThat(extended.statusCode()).isEqualTo(200);
		assertThat(send(b, "POST", "/v1/queues/leases/leases/" + first + "/nack", null).statusCode()).isEqualTo(204);
		HttpResponse<String> again = send(a, "POST", "/v1/queues/leases/leases", null);
		assertThat(again.body()).as("a nacked job goes back to the head").contains("\"attempt\":2");
		String second = field(again.body(), "leaseId");
		assertThat(send(b, "POST", "/v1/queues/leases/leases/" + second + "/ack", null).statusCode()).isEqualTo(204);
		assertThat(send(a, "POST", "/v1/queues/leases/leases/" + second + "/ack", null).statusCode())
			.as("acked through the other replica")
			.isEqualTo(410);
	}

	@Test
	void closeThroughOneReplicaAnswersTheOthersParkedPutsThenItsTakes() throws Exception {
		create(a, "closing", "{\"capacity\": 1}");
		send(a, "POST", "/v1/queues/closing/jobs", "1");
		String lease = field(send(a, "POST", "/v1/queues/closing/leases", null).body(), "leaseId");
		send(a, "POST", "/v1/queues/closing/jobs", "2");
		CompletableFuture<HttpResponse<String>> parkedPut = park(a, "POST", "/v1/queues/closing/jobs?wait=20s", "3");
		awaitParked(a, "closing", "\"waitingPutters\":1");
		assertThat(send(b, "POST", "/v1/queues/closing/close", null).statusCode()).isEqualTo(200);
		assertThat(parkedPut.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(409);

		String lease2 = field(send(a, "POST", "/v1/queues/closing/leases", null).body(), "leaseId");
		CompletableFuture<HttpResponse<String>> parkedTake = park(a, "POST", "/v1/queues/closing/leases?wait=20s");
		CompletableFuture<HttpResponse<String>> join = park(a, "GET", "/v1/queues/closing/join?wait=20s");
		awaitParked(a, "closing", "\"waitingTakers\":1");
		send(b, "POST", "/v1/queues/closing/leases/" + lease + "/ack", null);
		assertThat(parkedTake).as("a lease is still out").isNotDone();
		send(b, "POST", "/v1/queues/closing/leases/" + lease2 + "/ack", null);
		assertThat(parkedTake.get(10, TimeUnit.SECONDS).statusCode()).as("drained").isEqualTo(410);
		assertThat(join.get(10, TimeUnit.SECONDS).statusCode()).as("nothing unfinished").isEqualTo(204);
	}

	@Test
	void anIdempotencyKeyUsedOnOneReplicaIsRecognisedOnTheOther() throws Exception {
		HttpRequest.Builder keyed = HttpRequest.newBuilder()
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", "order-7")
			.POST(HttpRequest.BodyPublishers.ofString("7"));
		HttpResponse<String> original = http.send(
				keyed.copy().uri(URI.create("http://127.0.0.1:" + a + "/v1/queues/keys/jobs")).build(),
				HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> repeated = http.send(
				keyed.copy().uri(URI.create("http://127.0.0.1:" + b + "/v1/queues/keys/jobs")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(original.statusCode()).isEqualTo(201);
		assertThat(repeated.statusCode()).isEqualTo(200);
		assertThat(field(repeated.body(), "id")).isEqualTo(field(original.body(), "id"));
	}

	@Test
	void aQueueCreatedChangedOrDeletedThroughOneReplicaIsSeenByTheOther() throws Exception {
		create(a, "shared", "{\"capacity\": 5}");
		assertThat(send(b, "GET", "/v1/queues/shared", null).body()).contains("\"capacity\":5");
		assertThat(send(b, "PUT", "/v1/queues/shared", "{\"capacity\": 9}").statusCode()).isEqualTo(200);
		assertThat(send(a, "GET", "/v1/queues/shared", null).body()).contains("\"capacity\":9");
		assertThat(send(b, "GET", "/v1/queues", null).body()).contains("\"name\":\"shared\"");
		assertThat(send(b, "GET", "/actuator/prometheus", null).body())
			.contains("dispatch_queue_capacity{queue=\"shared\"} 9");
		assertThat(send(a, "DELETE", "/v1/queues/shared", null).statusCode()).isEqualTo(204);
		assertThat(send(b, "GET", "/v1/queues/shared", null).statusCode()).isEqualTo(404);
	}

	/**
	 * Replica B knows a queue (it served it), then A deletes it and creates it again: B's
	 * next requests reach the new queue, not the deleted one — and where the name has no
	 * queue, B answers as for any unknown queue, a put creating it as auto-creation does.
	 */
	@Test
	void requestsReachTheQueueThatReplacedOneDeletedThroughTheOtherReplica() throws Exception {
		create(a, "renewed", "{\"capacity\": 3}");
		assertThat(send(b, "POST", "/v1/queues/renewed/jobs", "\"old\"").statusCode()).isEqualTo(201);
		assertThat(send(a, "DELETE", "/v1/queues/renewed", null).statusCode()).isEqualTo(204);
		create(a, "renewed", "{\"capacity\": 7}");

		HttpResponse<String> put = send(b, "POST", "/v1/queues/renewed/jobs", "\"new\"");
		assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
		HttpResponse<String> taken = send(b, "POST", "/v1/queues/renewed/leases?wait=0&ack=auto", null);
		assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
		assertThat(taken.body()).contains("\"new\"").doesNotContain("\"old\"");
		assertThat(send(b, "GET", "/v1/queues/renewed", null).body()).contains("\"capacity\":7");

		// a take that began on B before A deleted it once more finds no queue at all
		assertThat(send(b, "POST", "/v1/queues/renewed/jobs", "\"kept?\"").statusCode()).isEqualTo(201);
		assertThat(send(a, "DELETE", "/v1/queues/renewed", null).statusCode()).isEqualTo(204);
		assertThat(send(b, "POST", "/v1/queues/renewed/leases?wait=0", null).statusCode()).isEqualTo(404);

		// a put through B creates it again, with the defaults
		assertThat(send(b, "POST", "/v1/queues/renewed/jobs", "\"again\"").statusCode()).isEqualTo(201);
		assertThat(send(a, "GET", "/v1/queues/renewed", null).body()).contains("\"size\":1");
	}

}
