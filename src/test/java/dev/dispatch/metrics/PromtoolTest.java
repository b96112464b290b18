package dev.dispatch.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * valid PromQL.
 */
class PromtoolTest {

	static final Path ALERTS = Path.of("helm/dispatch/files/prometheus/dispatch-alerts.yaml");

	static final Path ALERT_TESTS = Path.of("src/test/resources/prometheus/dispatch-alerts-test.yaml");

	static final Path DASHBOARD = Path.of("helm/dispatch/files/dashboards/dispatch.json");

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

	/** Every {@code expr} of the dashboard's panels. */
	static List<String> dashboardQueries() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		List<String> queries = new ArrayList<>();
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.get("targets")) {
				queries.add(target.get("expr").asString());
			}
		}
		return queries;
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
