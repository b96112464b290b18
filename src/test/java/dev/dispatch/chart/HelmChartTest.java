package dev.dispatch.chart;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.dispatch.DispatchApplication;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.support.ExternalTool;
import dev.dispatch.support.RedisServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Helm chart, rendered by a real helm: every scenario under {@code helm/dispatch/ci}
 * passes {@code helm lint --strict} and the Kubernetes API schemas; the rendered objects
 * carry what matters (probes, security, drain timing, the replica guard, the Redis
 * password kept in its Secret); and the configuration the chart writes is the one the
 * service starts with, on either backend.
 */
class HelmChartTest {

	private static final Path CHART = Path.of("helm/dispatch");

	private static final String INSTALL = "run .ci/run, which installs it under .ci/tools";

	private static final String REDIS = CHART.resolve("ci/redis-values.yaml").toString();

	private static Path helm;

	@BeforeAll
	static void findHelm() {
		helm = ExternalTool.require("helm", INSTALL);
	}

	static Stream<String> scenarios() throws IOException {
		try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
			return files.map((file) -> file.getFileName().toString()).sorted().toList().stream();
		}
	}

	@ParameterizedTest
	@MethodSource("scenarios")
	void everyScenarioLintsStrictlyAndMatchesTheApiSchemas(String scenario, @TempDir Path work) throws Exception {
		String values = CHART.resolve("ci").resolve(scenario).toString();
		Result lint = run(List.of(helm.toString(), "lint", "--strict", CHART.toString(), "-f", values));
		assertThat(lint.exitCode()).as(lint.output()).isZero();

		List<Map<String, Object>> objects = render("-f", values);
		Path json = work.resolve("manifests.json");
		Files.writeString(json, JsonMapper.builder().build().writeValueAsString(objects));
		Path node = ExternalTool.require("node", "apt-get install nodejs npm");
		assertThat(Path.of(".ci/tools/node_modules/kubernetes-models")).as("npm packages: " + INSTALL).exists();
		Result validation = run(List.of(node.toString(), ".ci/tools/validate-manifests.mjs"), json);
		assertThat(validation.exitCode()).as(validation.output()).isZero();
		assertThat(validation.output()).doesNotContain("INVALID", "UNKNOWN");
	}

	@Test
	void theDefaultPodIsProbedLockedDownAndDrainsInsideItsGracePeriod() throws Exception {
		List<Map<String, Object>> objects = render();
		Map<String, Object> deployment = only(objects, "Deployment");
		assertThat(value(deployment, "spec.replicas")).isEqualTo(1);
		assertThat(value(deployment, "spec.strategy.type")).isEqualTo("Recreate");
		Map<String, Object> pod = at(deployment, "spec.template.spec");
		Map<String, Object> container = first(at(pod, "containers"));

		assertThat(value(container, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
		assertThat(value(container, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
		assertThat(value(container, "startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
		assertThat(value(container, "readinessProbe.httpGet.port")).isEqualTo("http");

		assertThat(value(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
		assertThat(value(pod, "securityContext.runAsUser")).isEqualTo(10001);
		assertThat(value(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
		assertThat(value(pod, "automountServiceAccountToken")).isEqualTo(false);
		assertThat(value(container, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
		assertThat(value(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
		assertThat(value(container, "securityContext.capabilities.drop")).isEqualTo(List.of("ALL"));
		List<Map<String, Object>> mounts = at(container, "volumeMounts");
		assertThat(mounts).anySatisfy((mount) -> assertThat(mount).containsEntry("mountPath", "/tmp"));

		int grace = at(pod, "terminationGracePeriodSeconds");
		List<String> preStop = at(container, "lifecycle.preStop.exec.command");
		int pause = Integer.parseInt(preStop.get(1));
		String config = at(only(objects, "ConfigMap"), "data.application\\.yaml");
		Map<String, Object> application = new Yaml().load(config);
		String phase = at(application, "spring.lifecycle.timeout-per-shutdown-phase");
		int drain = Integer.parseInt(phase.replace("s", ""));
		assertThat(pause + drain).as("preStop pause + drain fit in the grace period").isLessThan(grace);
		assertThat(value(application, "server.shutdown")).isEqualTo("graceful");

		assertThat(env(container, "JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=");
		assertThat(kinds(objects)).doesNotContain("ServiceMonitor", "PrometheusRule", "NetworkPolicy",
				"HorizontalPodAutoscaler");
		assertThat(kinds(render("--show-only", "templates/tests/test-connection.yaml"))).containsExactly("Pod");
	}

	@Test
	void theMemoryBackendRefusesMoreThanOnePod() throws Exception {
		Result replicas = renderFailing("--set", "replicaCount=2");
		assertThat(replicas.output()).contains("replicaCount must be 1");
		Result autoscaled = renderFailing("--set", "autoscaling.enabled=true");
		assertThat(autoscaled.output()).contains("cannot be autoscaled");
		Result rolling = renderFailing("--set", "updateStrategy.type=RollingUpdate");
		assertThat(rolling.output()).contains("updateStrategy must be Recreate");
		assertThat(value(only(render(), "Deployment"), "spec.template.spec.topologySpreadConstraints")).isNull();
	}

	@Test
	void theRedisBackendRunsSeveralPodsAndTheAutoscaler() throws Exception {
		Map<String, Object> fixed = only(render("--set", "backend=redis,redis.host=redis,replicaCount=3"),
				"Deployment");
		assertThat(value(fixed, "spec.replicas")).isEqualTo(3);

		List<Map<String, Object>> autoscaled = render("-f", REDIS);
		assertThat(value(only(autoscaled, "Deployment"), "spec.replicas")).as("left to the autoscaler").isNull();
		Map<String, Object> autoscaler = only(autoscaled, "HorizontalPodAutoscaler");
		assertThat(value(autoscaler, "spec.scaleTargetRef.name")).isEqualTo("dispatch");
		assertThat(value(autoscaler, "spec.minReplicas")).isEqualTo(3);
		assertThat(value(autoscaler, "spec.maxReplicas")).isEqualTo(6);
	}

	@Test
	void theRedisBackendReplacesPodsOneByOneAndSpreadsThem() throws Exception {
		Map<String, Object> deployment = only(render("-f", REDIS), "Deployment");
		assertThat(value(deployment, "spec.strategy.type")).isEqualTo("RollingUpdate");
		assertThat(value(deployment, "spec.strategy.rollingUpdate.maxUnavailable")).isEqualTo(0);
		assertThat(value(deployment, "spec.strategy.rollingUpdate.maxSurge")).isEqualTo(1);

		List<Map<String, Object>> spread = at(deployment, "spec.template.spec.topologySpreadConstraints");
		assertThat(spread).extracting((constraint) -> constraint.get("topologyKey"))
			.containsExactlyInAnyOrder("kubernetes.io/hostname", "topology.kubernetes.io/zone");
		Object selector = value(deployment, "spec.selector");
		assertThat(spread).allSatisfy((constraint) -> assertThat(constraint).containsEntry("maxSkew", 1)
			.containsEntry("whenUnsatisfiable", "ScheduleAnyway")
			.containsEntry("labelSelector", selector)
			.containsEntry("matchLabelKeys", List.of("pod-template-hash")));

		String zonesOnly = "topologySpreadConstraints=[{\"maxSkew\": 2, \"topologyKey\": \"topology.kubernetes.io/zone\", "
				+ "\"whenUnsatisfiable\": \"DoNotSchedule\"}]";
		List<Map<String, Object>> own = at(only(render("-f", REDIS, "--set-json", zonesOnly), "Deployment"),
				"spec.template.spec.topologySpreadConstraints");
		assertThat(own).singleElement()
			.satisfies((constraint) -> assertThat(constraint).containsEntry("maxSkew", 2)
				.containsEntry("whenUnsatisfiable", "DoNotSchedule")
				.containsEntry("labelSelector", selector));
		Map<String, Object> unspread = only(render("-f", REDIS, "--set-json", "topologySpreadConstraints=[]"),
				"Deployment");
		assertThat(value(unspread, "spec.template.spec.topologySpreadConstraints")).isNull();
	}

	@Test
	void theRedisDisruptionBudgetLetsNodeDrainsProceed() throws Exception {
		assertThat(value(only(render("-f", REDIS), "PodDisruptionBudget"), "spec.maxUnavailable")).isEqualTo(1);
		Map<String, Object> budget = only(render("-f", REDIS, "--set", "podDisruptionBudget.minAvailable=2"),
				"PodDisruptionBudget");
		assertThat(value(budget, "spec.minAvailable")).isEqualTo(2);
		assertThat(renderFailing("-f", REDIS, "--set", "podDisruptionBudget.minAvailable=3").output())
			.contains("every node drain would hang");
	}

	@Test
	void theRedisBackendNeedsOneAddress() throws Exception {
		assertThat(renderFailing("--set", "backend=redis").output())
			.contains("backend \"redis\" needs the address of an existing Redis or Valkey");
		assertThat(renderFailing("--set", "backend=redis,redis.host=a,redis.url=redis://b:6379").output())
			.contains("takes one Redis address, got redis.url and redis.host");
	}

	@Test
	void theRedisPasswordComesFromItsSecretAndNeverFromTheConfigMap() throws Exception {
		List<Map<String, Object>> objects = render("-f", REDIS);
		String config = at(only(objects, "ConfigMap"), "data.application\\.yaml");
		assertThat(config).doesNotContainIgnoringCase("password");
		Map<String, Object> container = first(at(only(objects, "Deployment"), "spec.template.spec.containers"));
		Map<String, Object> password = envVar(container, "SPRING_DATA_REDIS_PASSWORD");
		assertThat(password).doesNotContainKey("value");
		assertThat(value(password, "valueFrom.secretKeyRef"))
			.isEqualTo(Map.of("name", "dispatch-redis", "key", "redis-password"));

		assertThat(renderFailing("-f", REDIS, "--set", "redis.password=hunter2").output())
			.contains("additional properties 'password'");
		assertThat(renderFailing("--set", "backend=redis,redis.url=redis://:hunter2@redis:6379").output())
			.contains("must not carry a user name or password")
			.doesNotContain("hunter2");
	}

	@Test
	void theRedisScenarioConnectsOverTlsWithItsOwnCa() throws Exception {
		List<Map<String, Object>> objects = render("-f", REDIS);
		Map<String, Object> application = new Yaml()
			.load((String) at(only(objects, "ConfigMap"), "data.application\\.yaml"));
		assertThat(value(application, "dispatch.backend")).isEqualTo("redis");
		assertThat(value(application, "dispatch.redis")).isEqualTo(
				Map.of("keyPrefix", "dispatch-prod", "timeout", "1500ms", "recheckPeriod", "1s", "waitReplicas", 1));
		Map<String, Object> redis = at(application, "spring.data.redis");
		assertThat(redis).containsEntry("host", "redis-master.redis.svc.cluster.local")
			.containsEntry("port", 6380)
			.containsEntry("username", "dispatch")
			.containsEntry("ssl", Map.of("enabled", true, "bundle", "redis"));
		String ca = at(application, "spring.ssl.bundle.pem.redis.truststore.certificate");
		assertThat(ca).startsWith("file:/").endsWith("/ca.crt");
		String caDirectory = ca.substring("file:".length(), ca.length() - "/ca.crt".length());

		Map<String, Object> pod = at(only(objects, "Deployment"), "spec.template.spec");
		List<Map<String, Object>> volumes = at(pod, "volumes");
		assertThat(volumes).anySatisfy((volume) -> assertThat(volume).containsEntry("name", "redis-ca")
			.containsEntry("secret",
					Map.of("secretName", "redis-ca", "items", List.of(Map.of("key", "ca.crt", "path", "ca.crt")))));
		List<Map<String, Object>> mounts = at(first(at(pod, "containers")), "volumeMounts");
		assertThat(mounts).anySatisfy(
				(mount) -> assertThat(mount).containsEntry("name", "redis-ca").containsEntry("mountPath", caDirectory));
	}

	/**
	 * A url is taken apart: Spring Boot would read the credentials from a url alone and
	 * ignore the Secret's password.
	 */
	@Test
	void aRedisUrlBecomesHostPortAndDatabase() throws Exception {
		Map<String, Object> application = new Yaml().load(
				(String) at(only(render("--set", "backend=redis,redis.url=rediss://redis.example:6390/2"), "ConfigMap"),
						"data.application\\.yaml"));
		assertThat(value(application, "spring.data.redis"))
			.isEqualTo(Map.of("host", "redis.example", "port", 6390, "database", 2, "ssl", Map.of("enabled", true)));
	}

	/**
	 * The chart's Redis settings and the Secret's password, as the kubelet hands it over,
	 * reach a real Redis: the service authenticates as the chart's user and keeps its
	 * queues under the chart's key prefix.
	 */
	@Test
	void theRenderedRedisConfigurationReachesRedis(@TempDir Path work) throws Exception {
		String password = "chart-test-secret";
		try (RedisServer redis = RedisServer.start("user dispatch on >" + password + " ~* &* +@all")) {
			List<Map<String, Object>> objects = render("--set",
					"backend=redis,redis.host=" + redis.host() + ",redis.port=" + redis.port()
							+ ",redis.username=dispatch,redis.existingSecret=dispatch-redis"
							+ ",redis.keyPrefix=chart-test");
			Path config = work.resolve("application.yaml");
			Files.writeString(config, (String) at(only(objects, "ConfigMap"), "data.application\\.yaml"));
			StandardEnvironment environment = new StandardEnvironment();
			environment.getPropertySources()
				.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource("secretKeyRef",
								Map.of("SPRING_DATA_REDIS_PASSWORD", password)));
			try (ConfigurableApplicationContext service = new SpringApplicationBuilder(DispatchApplication.class)
				.environment(environment)
				.run("--spring.config.additional-location=file:" + config, "--server.port=0",
						"--server.address=127.0.0.1", "--spring.jmx.enabled=false")) {
				int port = ((WebServerApplicationContext) service).getWebServer().getPort();
				HttpResponse<String> put = post(port, "/v1/queues/emails/jobs", "{\"to\": \"a@example.com\"}");
				assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
				HttpResponse<String> take = post(port, "/v1/queues/emails/leases?wait=0&ack=auto", "");
				assertThat(take.body()).contains("a@example.com");
				assertThat(redis.command("CLIENT", "LIST")).contains("user=dispatch");
				assertThat(redis.command("EXISTS", "chart-test:queues")).isEqualTo("1");
			}
		}
	}

	@Test
	void valuesAreCheckedAgainstTheSchema() throws Exception {
		assertThat(renderFailing("--set", "replicas=1").output()).contains("additional properties 'replicas'");
		assertThat(renderFailing("--set", "dispatch.http.maxWiat=30s").output()).contains("maxWiat");
		assertThat(renderFailing("--set", "dispatch.maxQueues=many").output()).contains("maxQueues");
		assertThat(renderFailing("--set", "dispatch.http.maxWait=forever").output()).contains("maxWait");
		assertThat(renderFailing("--set", "terminationGracePeriodSeconds=10").output())
			.contains("terminationGracePeriodSeconds");
	}

	@Test
	void monitoringObjectsCarryTheShippedRulesAndDashboard() throws Exception {
		List<Map<String, Object>> objects = render("-f", CHART.resolve("ci/monitoring-values.yaml").toString());
		Map<String, Object> monitor = only(objects, "ServiceMonitor");
		Map<String, Object> endpoint = first(at(monitor, "spec.endpoints"));
		assertThat(endpoint).containsEntry("path", "/actuator/prometheus").containsEntry("port", "http");
		assertThat(value(monitor, "metadata.labels.release")).isEqualTo("prometheus");

		Map<String, Object> shippedRules = new Yaml()
			.load(Files.readString(CHART.resolve("files/prometheus/dispatch-alerts.yaml")));
		assertThat(value(only(objects, "PrometheusRule"), "spec.groups")).isEqualTo(shippedRules.get("groups"));

		Map<String, Object> dashboard = objects.stream()
			.filter((o) -> "ConfigMap".equals(o.get("kind")))
			.filter((o) -> at(o, "metadata.labels.grafana_dashboard") != null)
			.findFirst()
			.orElseThrow();
		assertThat((String) at(dashboard, "data.dispatch\\.json"))
			.isEqualTo(Files.readString(CHART.resolve("files/dashboards/dispatch.json")).strip());
	}

	@Test
	void theHardenedScenarioAdmitsOnlyNamedPeersAndProtectsThePod() throws Exception {
		List<Map<String, Object>> objects = render("-f", CHART.resolve("ci/hardened-values.yaml").toString());
		Map<String, Object> policy = only(objects, "NetworkPolicy");
		Map<String, Object> rule = first(at(policy, "spec.ingress"));
		List<Map<String, Object>> from = at(rule, "from");
		assertThat(from).hasSize(2).allSatisfy((peer) -> assertThat(peer).containsOnlyKeys("namespaceSelector"));
		assertThat(value(only(objects, "PodDisruptionBudget"), "spec.minAvailable")).isEqualTo(1);
		Map<String, Object> pod = at(only(objects, "Deployment"), "spec.template.spec");
		assertThat(value(pod, "serviceAccountName")).isEqualTo("dispatch-runtime");
		assertThat(value(pod, "terminationGracePeriodSeconds")).isEqualTo(45);
	}

	@Test
	void aChangedConfigurationRollsThePod() throws Exception {
		Object before = at(only(render(), "Deployment"), "spec.template.metadata.annotations.checksum/config");
		Object after = at(only(render("--set", "dispatch.defaults.capacity=5"), "Deployment"),
				"spec.template.metadata.annotations.checksum/config");
		assertThat(after).isNotEqualTo(before);
	}

	/** The application.yaml the chart renders is what the service starts with. */
	@Test
	void theRenderedConfigurationReachesTheService(@TempDir Path work) throws Exception {
		List<Map<String, Object>> objects = render("-f", CHART.resolve("ci/queues-values.yaml").toString());
		Path config = work.resolve("application.yaml");
		Files.writeString(config, (String) at(only(objects, "ConfigMap"), "data.application\\.yaml"));
		try (ConfigurableApplicationContext service = new SpringApplicationBuilder(DispatchApplication.class)
			.run("--spring.config.additional-location=file:" + config, "--server.port=0")) {
			QueueRegistry queues = service.getBean(QueueRegistry.class);
			QueueConfig emails = queues.require("emails").snapshot().join().config();
			assertThat(emails.capacity()).isEqualTo(10_000);
			assertThat(emails.leaseTimeout()).hasMinutes(2);
			QueueConfig thumbnails = queues.require("thumbnails").snapshot().join().config();
			assertThat(thumbnails.maxAttempts()).isEqualTo(10);
			assertThat(thumbnails.deadLetterQueueFor("thumbnails")).isEqualTo("thumbnails.failed");
			assertThat(queues.defaults().capacity()).isEqualTo(500);
			assertThat(service.getEnvironment().getProperty("dispatch.http.max-wait")).isEqualTo("30s");
			assertThat(service.getEnvironment().getProperty("dispatch.max-held-bytes")).isEqualTo("128MB");
		}
	}

	// ---- helpers

	private record Result(int exitCode, String output) {
	}

	private static Result run(List<String> command) throws Exception {
		return run(command, null);
	}

	private static Result run(List<String> command, Path stdin) throws Exception {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		if (stdin != null) {
			builder.redirectInput(stdin.toFile());
		}
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new Result(process.exitValue(), output);
	}

	private static List<String> templateCommand(String... args) {
		List<String> command = new ArrayList<>(
				List.of(helm.toString(), "template", "dispatch", CHART.toString(), "--namespace", "jobs"));
		command.addAll(List.of(args));
		return command;
	}

	private static List<Map<String, Object>> render(String... args) throws Exception {
		Result result = run(templateCommand(args));
		assertThat(result.exitCode()).as(result.output()).isZero();
		List<Map<String, Object>> objects = new ArrayList<>();
		for (Object document : new Yaml().loadAll(result.output())) {
			if (document != null) {
				objects.add(cast(document));
			}
		}
		return objects;
	}

	private static Result renderFailing(String... args) throws Exception {
		Result result = run(templateCommand(args));
		assertThat(result.exitCode()).as("helm template %s should fail", List.of(args)).isNotZero();
		return result;
	}

	private static List<String> kinds(List<Map<String, Object>> objects) {
		return objects.stream().map((o) -> (String) o.get("kind")).toList();
	}

	private static Map<String, Object> only(List<Map<String, Object>> objects, String kind) {
		List<Map<String, Object>> found = objects.stream().filter((o) -> kind.equals(o.get("kind"))).toList();
		assertThat(found).as("objects of kind " + kind).isNotEmpty();
		return found.getFirst();
	}

	private static String env(Map<String, Object> container, String name) {
		return (String) envVar(container, name).get("value");
	}

	private static Map<String, Object> envVar(Map<String, Object> container, String name) {
		List<Map<String, Object>> env = at(container, "env");
		return env.stream().filter((e) -> name.equals(e.get("name"))).findFirst().orElseThrow();
	}

	private static HttpResponse<String> post(int port, String path, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		try (HttpClient http = HttpClient.newHttpClient()) {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
	}

	private static <T> T first(List<T> list) {
		assertThat(list).isNotEmpty();
		return list.getFirst();
	}

	private static Object value(Map<String, Object> object, String path) {
		return at(object, path);
	}

	/**
	 * The value at a dotted path ({@code \.} for a dot inside a key); null if absent.
	 */
	private static <T> T at(Map<String, Object> object, String path) {
		Object current = object;
		for (String key : path.split("(?<!\\\\)\\.")) {
			if (!(current instanceof Map<?, ?> map)) {
				return null;
			}
			current = map.get(key.replace("\\.", "."));
		}
		return cast(current);
	}

	@SuppressWarnings("unchecked")
	private static <T> T cast(Object value) {
		return (T) value;
	}

}
