package dev.dispatch.web.poll;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.dispatch.queue.QueueRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** Parked requests are bounded per queue and overall; beyond, 503 too-many-waiters. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "dispatch.http.max-waiters-per-queue=2", "dispatch.http.max-waiters=3" })
class WaiterLimitTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	private CompletableFuture<HttpResponse<String>> take(String queue, String wait) {
		this.registry.configure(queue, this.registry.defaults());
		return http.sendAsync(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/queues/" + queue + "/leases?wait=" + wait))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private int parkedOn(String queue) {
		return this.registry.require(queue).snapshot().join().waitingTakers();
	}

	@Test
	void requestsBeyondTheLimitsAreRefusedAndTheOthersStillPark() throws Exception {
		List<CompletableFuture<HttpResponse<String>>> parked = List.of(take("busy", "30s"), take("busy", "30s"));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> parkedOn("busy") == 2);

		HttpResponse<String> overQueue = take("busy", "30s").get(10, TimeUnit.SECONDS);
		assertThat(overQueue.statusCode()).isEqualTo(503);
		assertThat(overQueue.body()).contains("/problems/too-many-waiters");
		assertThat(overQueue.headers().firstValue("Retry-After")).isPresent();
		assertThat(take("busy", "0").get(10, TimeUnit.SECONDS).statusCode()).as("wait=0 never parks, so is not limited")
			.isEqualTo(204);

		CompletableFuture<HttpResponse<String>> third = take("other", "30s");
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> parkedOn("other") == 1);
		HttpResponse<String> overAll = take("another", "30s").get(10, TimeUnit.SECONDS);
		assertThat(overAll.statusCode()).isEqualTo(503);
		assertThat(overAll.body()).contains("/problems/too-many-waiters");

		assertThat(parked).noneMatch(CompletableFuture::isDone);
		this.registry.delete("busy");
		this.registry.delete("other");
		for (CompletableFuture<HttpResponse<String>> answered : List.of(parked.get(0), parked.get(1), third)) {
			assertThat(answered.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(410);
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> take("again", "100ms").get().statusCode() == 204);
	}

}
