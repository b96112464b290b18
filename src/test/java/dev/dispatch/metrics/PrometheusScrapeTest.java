package dev.dispatch.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.support.ExternalTool;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus server scrapes the running service on loopback; its query API must
 * report the queues' true depth and waiter counts, counters that move as jobs flow, and
 * answer every dashboard query.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrometheusScrapeTest {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	@TempDir
	Path dir;

	private Process prometheus;

	private String prometheusUrl;

	private final List<CompletableFuture<?>> parked = new ArrayList<>();

	@BeforeEach
	void startPrometheus() throws Exception {
		Path binary = ExternalTool.require("prometheus", "Debian: apt-get install prometheus");
		int prometheusPort = freePort();
		Files.writeString(this.dir.resolve("prometheus.yml"), """
				global:
				  scrape_interval: 1s
				  evaluation_interval: 1s
				scrape_configs:
				  - job_name: dispatch
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(this.port));
		this.prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + this.dir.resolve("prometheus.yml"),
				"--storage.tsdb.path=" + this.dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
			.redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("prometheus.log").toFile())
			.start();
		this.prometheusUrl = "http://127.0.0.1:" + prometheusPort;
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> get(this.prometheusUrl + "/-/ready").statusCode() == 200);
	}

	@AfterEach
	void stopPrometheus() throws Exception {
		this.parked.forEach((operation) -> operation.cancel(false));
		if (this.prometheus != null) {
			this.prometheus.destroy();
			this.prometheus.onExit().get();
		}
	}

	@Test
	void prometheusSeesTheTrueDepthWaitersAndFlow() throws Exception {
		JobQueue full = queue("scraped-full", 2);
		full.put(Payload.of("1"), PutOptions.noWait()).join();
		full.put(Payload.of("2"), PutOptions.noWait()).join();
		this.parked.add(full.put(Payload.of("3"), PutOptions.waiting(Duration.ofMinutes(1))));
		JobQueue hungry = queue("scraped-hungry", 5);
		this.parked.add(hungry.take(TakeOptions.leased(Duration.ofMinutes(1))));
		this.parked.add(hungry.take(TakeOptions.leased(Duration.ofMinutes(1))));

		awaitValue("dispatch_queue_size{queue=\"scraped-full\"}", 2);
		awaitValue("dispatch_queue_capacity{queue=\"scraped-full\"}", 2);
		awaitValue("dispatch_queue_waiters{queue=\"scraped-full\",op=\"put\"}", 1);
		awaitValue("dispatch_queue_waiters{queue=\"scraped-hungry\",op=\"take\"}", 2);
		awaitValue("dispatch_queue_waiters{queue=\"scraped-hungry\",op=\"put\"}", 0);

		JobQueue flow = queue("scraped-flow", 100);
		for (int i = 0; i < 7; i++) {
			flow.put(Payload.of(Integer.toString(i)), PutOptions.noWait()).join();
		}
		awaitValue("dispatch_jobs_enqueued_total{queue=\"scraped-flow\"}", 7);
		TakeOutcome taken = flow.take(TakeOptions.leased(Duration.ZERO).withMax(3)).join();
		for (Delivery delivery : ((TakeOutcome.Delivered) taken).deliveries()) {
			flow.ack(delivery.leaseId()).join();
		}
		awaitValue("dispatch_jobs_acked_total{queue=\"scraped-flow\"}", 3);
		awaitValue("dispatch_queue_size{queue=\"scraped-flow\"}", 4);
		awaitValue("sum(dispatch_jobs_delivered_total{queue=\"scraped-flow\"})", 3);

		hungry.put(Payload.of("served"), PutOptions.noWait()).join();
		awaitValue("dispatch_queue_waiters{queue=\"scraped-hungry\",op=\"take\"}", 1);
		awaitValue("dispatch_jobs_delivered_total{queue=\"scraped-hungry\",path=\"direct\"}", 1);
	}

	@Test
	void everyDashboardQueryRunsOnRealDataAndNamesRealMetrics() throws Exception {
		JobQueue queue = queue("scraped-dashboard", 10);
		queue.put(Payload.of("x"), PutOptions.noWait()).join();
		TakeOutcome taken = queue.take(TakeOptions.leased(Duration.ZERO)).join(); // timers
																					// exist
																					// once
																					// used
		queue.ack(((TakeOutcome.Delivered) taken).deliveries().getFirst().leaseId()).join();
		queue.put(Payload.of("y"), PutOptions.noWait()).join();
		this.parked.add(queue("scraped-idle", 10).take(TakeOptions.leased(Duration.ofMinutes(1))));
		awaitValue("dispatch_queue_size{queue=\"scraped-dashboard\"}", 1);

		String scrape = get("http://127.0.0.1:" + this.port + "/actuator/prometheus").body();
		for (String query : PromtoolTest.dashboardQueries()) {
			String runnable = PromtoolTest.asRunnable(query);
			HttpResponse<String> answer = get(this.prometheusUrl + "/api/v1/query?query=" + encode(runnable));
			assertThat(answer.body()).as("answer to %s", runnable).contains("\"status\":\"success\"");
			for (String metric : metricNames(runnable)) {
				assertThat(scrape).as("metric %s of query %s is exported", metric, query).contains(metric);
			}
		}
	}

	private JobQueue queue(String name, int capacity) {
		this.registry.configure(name, QueueConfig.DEFAULTS.withCapacity(capacity));
		return this.registry.require(name);
	}

	private void awaitValue(String query, double expected) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> value(query), (value) -> value != null && value == expected);
	}

	private Double value(String query) throws IOException, InterruptedException {
		Matcher matcher = VALUE.matcher(get(this.prometheusUrl + "/api/v1/query?query=" + encode(query)).body());
		return matcher.find() ? Double.valueOf(matcher.group(1)) : null;
	}

	private static Set<String> metricNames(String query) {
		Set<String> names = new TreeSet<>();
		Matcher matcher = Pattern.compile("dispatch_[a-z_]+").matcher(query);
		while (matcher.find()) {
			names.add(matcher.group());
		}
		return names;
	}

	private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static String encode(String query) {
		return URLEncoder.encode(query, StandardCharsets.UTF_8);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
