package dev.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dispatch.support.ApiKeyGrants;
import dev.dispatch.support.RedisCluster;
import dev.dispatch.support.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.LoggingSystemProperty;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start says in a few lines what runs where: the API's address, the actuator's, where
 * the queues are (Redis named by its address or nodes, never its password) and who may
 * call; the framework's own start-up lines stay quiet.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupReportTest {

	/** A log line of Spring Boot's console format: its level and (shortened) logger. */
	private static final Pattern LOG_LINE = Pattern
		.compile("^\\S+\\s+(?<level>[A-Z]+) \\d+ --- .*?\\] (?<logger>\\S+)\\s+: ");

	@Test
	void theInMemoryDefaultSaysWhereItListensAndThatSecurityIsOff(CapturedOutput output) {
		try (ConfigurableApplicationContext service = start("--management.server.port=0",
				"--management.server.address=127.0.0.1")) {
			int api = ((WebServerApplicationContext) service).getWebServer().getPort();
			String management = service.getEnvironment().getProperty("local.management.port");
			assertThat(output.getOut())
				.contains("ready in ",
						": API on http://127.0.0.1:" + api + ", actuator on http://127.0.0.1:" + management + "\n")
				.contains("Queues: in memory, this process only (lost when it stops)")
				.contains("WARN", "SECURITY IS OFF");
			assertThat(frameworkInfoLines(output)).as("what else a start printed at INFO").isEmpty();
		}
		assertThat(frameworkInfoLines(output)).as("what a stop printed at INFO, but for its graceful shutdown")
			.allMatch((line) -> line.contains("GracefulShutdown"));
	}

	@Test
	void onRedisItNamesTheServerAndDatabaseButNeverThePassword(CapturedOutput output) {
		String password = "start-report-secret";
		try (RedisServer redis = RedisServer.start("requirepass " + password);
				ConfigurableApplicationContext service = start("--dispatch.backend=redis",
						"--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
						"--spring.data.redis.password=" + password, "--spring.data.redis.database=2",
						"--dispatch.redis.key-prefix=reported", "--dispatch.security.api-keys[0].name=ops",
						"--dispatch.security.api-keys[0].key-sha256=" + ApiKeyGrants.sha256("a-key"),
						"--dispatch.security.api-keys[0].roles=admin")) {
			assertThat(output.getOut())
				.contains("Queues: in Redis at " + redis.host() + ":" + redis.port() + ", database 2, keys under"
						+ " 'reported:'")
				.contains("actuator on the same port")
				.contains("API access needs credentials: 1 API key(s)\n")
				.doesNotContain(password)
				.doesNotContain("SECURITY IS OFF");
			assertThat(frameworkInfoLines(output)).isEmpty();
		}
	}

	@Test
	void credentialsRequiredButNoneConfiguredIsAnError(CapturedOutput output) {
		try (ConfigurableApplicationContext service = start("--dispatch.security.required=true")) {
			assertThat(output.getOut()).containsPattern(
					"ERROR .* No API key or JWT issuer is configured, and dispatch.security.required is set: every API"
							+ " request will be refused");
		}
	}

	@Test
	void onARedisClusterItNamesTheNodes(CapturedOutput output) {
		try (RedisCluster cluster = RedisCluster.start();
				ConfigurableApplicationContext service = start("--dispatch.backend=redis",
						"--spring.data.redis.cluster.nodes=" + String.join(",", cluster.nodes()))) {
			assertThat(output.getOut()).contains("Queues: in the Redis Cluster of "
					+ String.join(", ", cluster.nodes().stream().sorted().toList()) + ", keys under 'dispatch:'");
		}
	}

	private static ConfigurableApplicationContext start(String... arguments) {
		// logging as this start sets it up, in the console format LOG_LINE reads: Spring
		// Boot
		// keeps the first format a context sets (as a system property; the demo's tests
		// set a
		// terse one) and logging once set up until cleaned up
		System.clearProperty(LoggingSystemProperty.CONSOLE_PATTERN.getEnvironmentVariableName());
		LoggingSystem.get(StartupReportTest.class.getClassLoader()).cleanUp();
		List<String> all = new ArrayList<>(
				List.of("--server.port=0", "--server.address=127.0.0.1", "--spring.jmx.enabled=false"));
		all.addAll(List.of(arguments));
		// arguments, not default properties: application.yaml's settings would win over
		// those
		return new SpringApplicationBuilder(DispatchApplication.class).run(all.toArray(String[]::new));
	}

	/** Lines logged at INFO by anything but Dispatch's own classes. */
	private static List<String> frameworkInfoLines(CapturedOutput output) {
		assertThat(output.getOut().lines().filter((line) -> line.contains("ready in ")))
			.as("the start-up report's line, in the format read")
			.singleElement()
			.matches((line) -> LOG_LINE.matcher(line).find());
		return output.getOut().lines().filter((line) -> {
			Matcher log = LOG_LINE.matcher(line);
			return log.find() && "INFO".equals(log.group("level")) && !log.group("logger").startsWith("dev.dispatch.")
					&& !log.group("logger").startsWith("d.d.");
		}).toList();
	}

}
