package dev.dispatch.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.dispatch.support.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prometheus's own checks of what Dispatch ships for monitoring: the alert rules are
 * valid and behave as their unit tests say, and every query of the Grafana dashboard is
 * valid PromQL and shows a queue's true values when several replicas report it.
 */
class PromtoolTest {

	static final Path ALERTS = Path.of("helm/dispatch/files/prometheus/dispatch-alerts.yaml");

	static final Path ALERT_TESTS = Path.of("src/test/resources/prometheus/dispatch-alerts-test.yaml");

	static final Path DASHBOARD = Path.of("helm/dispatch/files/dashboards/dispatch.json");

	/**
	 * What each dashboard query ({@code panel title/refId}) must answer for
	 * {@link #twoReplicasSeries()}: samples separated by {@code ;}, each labels and
	 * value.
	 */
	static final Map<String, String> TWO_REPLICAS_EXPECTED = Map.ofEntries(
			// Queue-wide gauges: the value both replicas report, once.
			Map.entry("Depth vs capacity/A", "{queue=\"q\"} 7"), Map.entry("Depth vs capacity/B", "{queue=\"q\"} 2"),
			Map.entry("Depth vs capacity/C", "{queue=\"q\"} 100"), Map.entry("In flight/A", "{queue=\"q\"} 3"),
			Map.entry("Oldest ready job/A", "{queue=\"q\"} 42"),
			// Parked requests: puts 1 + 2, takes 0 + 4.
			Map.entry("Parked requests by operation/A", "{op=\"put\", queue=\"q\"} 3; {op=\"take\", queue=\"q\"} 4"),
			// Counters, per second: 1 + 2 (rejected closed, purged: 0 + 1); deliveries
			// are 3 direct and 3 buffered.
			Map.entry("Throughput by outcome/A", "{queue=\"q\"} 3"),
			Map.entry("Throughput by outcome/B", "{queue=\"q\"} 6"),
			Map.entry("Throughput by outcome/C", "{queue=\"q\"} 3"),
			Map.entry("Throughput by outcome/D", "{queue=\"q\"} 3"),
			Map.entry("Throughput by outcome/E", "{queue=\"q\"} 3"),
			Map.entry("Throughput by outcome/F",
					"{queue=\"q\", reason=\"closed\"} 1; {queue=\"q\", reason=\"full\"} 3"),
			Map.entry("Dead letters/A", "{queue=\"q\", reason=\"max-attempts\"} 3; {queue=\"q\", reason=\"purged\"} 1"),
			Map.entry("Direct hand-offs/A", "{queue=\"q\"} 0.5"),
			// Histograms: the buckets of both replicas together. The median is the top of
			// replica a's bucket, p99 is 98 % into replica b's.
			Map.entry("Take wait (p50, p99)/A", "{queue=\"q\"} 0.1"),
			Map.entry("Take wait (p50, p99)/B", "{queue=\"q\"} 0.99"),
			Map.entry("Put wait (p50, p99)/A", "{queue=\"q\"} 0.1"),
			Map.entry("Put wait (p50, p99)/B", "{queue=\"q\"} 0.99"),
			Map.entry("Time in queue (p50, p99)/A", "{queue=\"q\"} 1"),
			Map.entry("Time in queue (p50, p99)/B", "{queue=\"q\"} 4.92"),
			// Payload bytes: each instance its own.
			Map.entry("Payload storage/A", "{instance=\"10.0.0.1:8080\"} 100; {instance=\"10.0.0.2:8080\"} 300"),
			Map.entry("Payload storage/B", "{instance=\"10.0.0.1:8080\"} 1000; {instance=\"10.0.0.2:8080\"} 1000"));

	/** The labels of the two replicas, as a Kubernetes scrape gives them. */
	private static final String[] REPLICAS = { "instance=\"10.0.0.1:8080\", pod=\"dispatch-a\", job=\"dispatch\"",
			"instance=\"10.0.0.2:8080\", pod=\"dispatch-b\", job=\"dispatch\"" };

	@Test
	void alertRulesAreValid() throws Exception {
		assertThat(promtool("check", "rules", ALERTS.toString())).contains("SUCCESS: 6 rules found");
	}

	@Test
	void everyAlertFiresWhenItShouldAndStaysSilentOtherwise() throws Exception {
		assertThat(promtool("test", "rules", ALERT_TESTS.toString())).contains("SUCCESS");
	}

	@Test
	void everyDashboardQueryIsValidPromql(@TempDir Path dir) throws Exception {
		List<String> queries = dashboardQueries();
		assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
		StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
		for (int i = 0; i < queries.size(); i++) {
			rules.append("      - record: dispatch_dashboard:query_").append(i).append('\n');
			rules.append("        expr: '").append(asRunnable(queries.get(i)).replace("'", "''")).append("'\n");
		}
		Path file = dir.resolve("dashboard-queries.yaml");
		Files.writeString(file, rules);
		assertThat(promtool("check", "rules", file.toString())).contains("SUCCESS: " + queries.size() + " rules found");
	}

	/**
	 * Two replicas serve queue {@code q} on a shared backend. Each reports the queue-wide
	 * gauges with the same value, the requests parked in it, and counts and times what it
	 * did itself. Every panel must show the queue's true values: a queue-wide gauge once,
	 * not once per replica; parked requests, rates and histogram buckets of both replicas
	 * together; payload bytes per instance.
	 */
	@Test
	void everyDashboardQueryShowsTheQueueOnceWhenSeveralReplicasReportIt(@TempDir Path dir) throws Exception {
		Map<String, String> targets = dashboardTargets();
		assertThat(TWO_REPLICAS_EXPECTED.keySet()).as("every dashboard query has its expected answer")
			.containsExactlyInAnyOrderElementsOf(targets.keySet());
		StringBuilder test = new StringBuilder("""
				rule_files: []
				evaluation_interval: 1m
				tests:
				  - name: two replicas of queue q on a shared backend
				    interval: 15s
				    input_series:
				""");
		test.append(twoReplicasSeries());
		test.append("    promql_expr_test:\n");
		targets.forEach((target, query) -> {
			test.append("      - expr: '").append(asRunnable(query).replace("'", "''")).append("'\n");
			test.append("        eval_time: 5m\n");
			test.append("        exp_samples:\n");
			for (String sample : TWO_REPLICAS_EXPECTED.get(target).split(";")) {
				String labels = sample.substring(0, sample.lastIndexOf(' ')).strip();
				String value = sample.substring(sample.lastIndexOf(' ') + 1);
				test.append("          - labels: '").append(labels).append("'\n");
				test.append("            value: ").append(value).append('\n');
			}
		});
		Path file = dir.resolve("dashboard-two-replicas-test.yaml");
		Files.writeString(file, test);
		assertThat(promtool("test", "rules", file.toString())).contains("SUCCESS");
	}

	/**
	 * The {@code input_series} of two replicas serving queue {@code q}, a sample every 15
	 * seconds for 10 minutes.
	 */
	static String twoReplicasSeries() {
		StringBuilder series = new StringBuilder();
		// Queue-wide gauges: both replicas read the same state from the backend.
		gauge(series, "dispatch_queue_size{queue=\"q\"}", 7, 7);
		gauge(series, "dispatch_queue_delayed{queue=\"q\"}", 2, 2);
		gauge(series, "dispatch_queue_capacity{queue=\"q\"}", 100, 100);
		gauge(series, "dispatch_queue_inflight{queue=\"q\"}", 3, 3);
		gauge(series, "dispatch_queue_unfinished{queue=\"q\"}", 12, 12);
		gauge(series, "dispatch_queue_closed{queue=\"q\"}", 0, 0);
		gauge(series, "dispatch_queue_oldest_age_seconds{queue=\"q\"}", 42, 42);
		// Per replica: the requests parked in it, the payload bytes it holds.
		gauge(series, "dispatch_queue_waiters{queue=\"q\", op=\"put\"}", 1, 2);
		gauge(series, "dispatch_queue_waiters{queue=\"q\", op=\"take\"}", 0, 4);
		gauge(series, "dispatch_payload_held_bytes{}", 100, 300);
		gauge(series, "dispatch_payload_limit_bytes{}", 1000, 1000);
		// Counters, per second: what each replica did.
		for (String counter : List.of("dispatch_jobs_enqueued_total{queue=\"q\"}",
				"dispatch_jobs_delivered_total{queue=\"q\", path=\"direct\"}",
				"dispatch_jobs_delivered_total{queue=\"q\", path=\"buffered\"}",
				"dispatch_jobs_acked_total{queue=\"q\"}", "dispatch_jobs_nacked_total{queue=\"q\"}",
				"dispatch_jobs_expired_total{queue=\"q\"}",
				"dispatch_jobs_deadlettered_total{queue=\"q\", reason=\"max-attempts\"}",
				"dispatch_puts_rejected_total{queue=\"q\", reason=\"full\"}")) {
			counter(series, counter, 1, 2);
		}
		counter(series, "dispatch_jobs_deadlettered_total{queue=\"q\", reason=\"purged\"}", 0, 1);
		counter(series, "dispatch_puts_rejected_total{queue=\"q\", reason=\"closed\"}", 0, 1);
		// Histograms: one observation a second on each, a's low, b's high.
		histogram(series, "dispatch_take_wait_seconds_bucket{queue=\"q\", outcome=\"delivered\"}",
				QueueMetrics.WAIT_BUCKETS, 0.1, 1);
		histogram(series, "dispatch_put_wait_seconds_bucket{queue=\"q\", outcome=\"accepted\"}",
				QueueMetrics.WAIT_BUCKETS, 0.1, 1);
		histogram(series, "dispatch_job_queued_seconds_bucket{queue=\"q\"}", QueueMetrics.QUEUED_BUCKETS, 1, 5);
		return series.toString();
	}

	/** A gauge reading {@code a} on replica a and {@code b} on replica b. */
	private static void gauge(StringBuilder series, String selector, double a, double b) {
		add(series, selector, "%sx40".formatted(number(a)), "%sx40".formatted(number(b)));
	}

	/** A counter growing {@code a} a second on replica a and {@code b} on replica b. */
	private static void counter(StringBuilder series, String selector, double a, double b) {
		add(series, selector, "0+%sx40".formatted(number(a * 15)), "0+%sx40".formatted(number(b * 15)));
	}

	/**
	 * The buckets of a histogram (as Micrometer exports a timer's service level
	 * objectives) in which replica a observes one value a second in the bucket that ends
	 * at {@code a} seconds, and replica b in the one that ends at {@code b}.
	 */
	private static void histogram(StringBuilder series, String selector, Duration[] buckets, double a, double b) {
		List<String> les = new ArrayList<>();
		for (Duration bucket : buckets) {
			les.add(number(bucket.toNanos() / 1e9));
		}
		assertThat(les).contains(number(a), number(b));
		les.add("+Inf");
		String name = selector.substring(0, selector.indexOf('{'));
		String labels = selector.substring(selector.indexOf('{') + 1, selector.length() - 1);
		for (String le : les) {
			double upper = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
			add(series, name + "{" + labels + ", le=\"" + le + "\"}", (upper >= a) ? "0+15x40" : "0x40",
					(upper >= b) ? "0+15x40" : "0x40");
		}
	}

	private static void add(StringBuilder series, String selector, String valuesA, String valuesB) {
		String name = selector.substring(0, selector.indexOf('{'));
		String labels = selector.substring(selector.indexOf('{') + 1, selector.length() - 1);
		String[] values = { valuesA, valuesB };
		for (int i = 0; i < REPLICAS.length; i++) {
			String all = labels.isEmpty() ? REPLICAS[i] : labels + ", " + REPLICAS[i];
			series.append("      - series: '").append(name).append('{').append(all).append("}'\n");
			series.append("        values: '").append(values[i]).append("'\n");
		}
	}

	/** A number as Prometheus prints it: no trailing {@code .0}. */
	private static String number(double value) {
		return (value == Math.rint(value)) ? Long.toString((long) value) : Double.toString(value);
	}

	/** Every {@code expr} of the dashboard's panels. */
	static List<String> dashboardQueries() throws IOException {
		return new ArrayList<>(dashboardTargets().values());
	}

	/** Every {@code expr} of the dashboard's panels, by {@code panel title/refId}. */
	static Map<String, String> dashboardTargets() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		Map<String, String> targets = new LinkedHashMap<>();
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.get("targets")) {
				String key = panel.get("title").asString() + "/" + target.get("refId").asString();
				assertThat(targets.put(key, target.get("expr").asString())).as("dashboard target %s is unique", key)
					.isNull();
			}
		}
		return targets;
	}

	/** A dashboard query with Grafana's variables replaced as Grafana would. */
	static String asRunnable(String query) {
		return query.replace("$queue", ".*").replace("$__rate_interval", "1m");
	}

	private static String promtool(String... args) throws Exception {
		Path promtool = ExternalTool.require("promtool", "Debian: apt-get install prometheus");
		List<String> command = new ArrayList<>(List.of(promtool.toString()));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
		assertThat(process.exitValue()).as("promtool %s said:%n%s", String.join(" ", args), output).isZero();
		return output;
	}

}
