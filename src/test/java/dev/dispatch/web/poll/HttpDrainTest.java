package dev.dispatch.web.poll;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.dispatch.DispatchApplication;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutdown (what SIGTERM starts): every parked put and take is answered at once so
 * clients re-poll another instance, new puts and takes are refused with 503, and no
 * accepted job is lost.
 */
class HttpDrainTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(DispatchApplication.class).run("--server.port=0",
				"--dispatch.queues.full.capacity=1", "--dispatch.queues.empty.capacity=1");
	}

	private static CompletableFuture<HttpResponse<String>> post(int port, String path, String body) {
		return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(60))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void closingTheServiceAnswersParkedRequestsAtOnceAndKeepsEveryJob() throws Exception {
		ConfigurableApplicationContext context = start();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		QueueRegistry registry = context.getBean(QueueRegistry.class);
		JobQueue full = registry.require("full");
		assertThat(post(port, "/v1/queues/full/jobs", "1").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
		CompletableFuture<HttpResponse<String>> parkedPut = post(port, "/v1/queues/full/jobs?wait=50s", "2");
		CompletableFuture<HttpResponse<String>> parkedTake = post(port, "/v1/queues/empty/leases?wait=50s", "");
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> full.snapshot().join().waitingPutters() == 1
					&& registry.require("empty").snapshot().join().waitingTakers() == 1);

		long started = System.nanoTime();
		Thread closer = Thread.ofVirtual().start(context::close);
		HttpResponse<String> put = parkedPut.get(10, TimeUnit.SECONDS);
		HttpResponse<String> take = parkedTake.get(10, TimeUnit.SECONDS);
		closer.join(Duration.ofSeconds(30));

		assertThat(put.statusCode()).isEqualTo(503);
		assertThat(put.body()).contains("/problems/server-draining");
		assertThat(put.headers().firstValue("Retry-After")).isPresent();
		assertThat(take.statusCode()).isEqualTo(204);
		assertThat(closer.isAlive()).as("the service stopped").isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("well inside a 30 s grace period")
			.isLessThan(Duration.ofSeconds(10));
		assertThat(full.snapshot().join().size()).as("the accepted job is still there").isEqualTo(1);
	}

	@Test
	void aDrainingServiceRefusesNewPutsAndTakes() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			context.getBean(LongPolls.class).stop();
			HttpResponse<String> put = post(port, "/v1/queues/full/jobs", "1").get(10, TimeUnit.SECONDS);
			HttpResponse<String> take = post(port, "/v1/queues/full/leases?wait=0", "").get(10, TimeUnit.SECONDS);
			for (HttpResponse<String> refused : new HttpResponse[] { put, take }) {
				assertThat(refused.statusCode()).isEqualTo(503);
				assertThat(refused.body()).contains("/problems/server-draining");
				assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
			}
			assertThat(context.getBean(QueueRegistry.class).require("full").snapshot().join().size()).isZero();

			context.getBean(LongPolls.class).start(); // a stopped context may be started
														// again
			assertThat(post(port, "/v1/queues/full/jobs", "1").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
		}
	}

}
