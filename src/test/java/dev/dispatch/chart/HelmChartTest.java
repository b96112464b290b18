package dev.dispatch.chart;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.support.ExternalTool;
import dev.dispatch.support.JwkSetServer;
import dev.dispatch.support.RedisSentinels;
import dev.dispatch.support.RedisServer;
import dev.dispatch.support.SelfSigned;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.dispatch.chart.Manifests.at;
import static dev.dispatch.chart.Manifests.cast;
import static dev.dispatch.chart.Manifests.first;
import static dev.dispatch.chart.Manifests.named;
import static dev.dispatch.chart.Manifests.only;
import static dev.dispatch.chart.Manifests.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart, rendered by a real helm: every scenario under {@code helm/dispatch/ci}
 * passes {@code helm lint --strict} and the Kubernetes API schemas; the rendered objects
 * carry what matters (probes, security, drain timing, the replica guard, the Redis
 * password and the API keys kept in their Secrets, metrics off the Service); and the
 * service started as the rendered pod would start ({@link RenderedPod}) behaves as the
 * chart promises: credentials required by default, keys from a Secret and JWTs accepted,
 * metrics on the management port only, either backend configured.
 */
class HelmChartTest {

	private static final Path CHART = Path.of("helm/dispatch");

	private static final String INSTALL = "run .ci/run, which installs it under .ci/tools";

	private static final String REDIS = CHART.resolve("ci/redis-values.yaml").toString();

	private static final String SENTINEL = CHART.resolve("ci/sentinel-values.yaml").toString();

	private static final String INGRESS = CHART.resolve("ci/ingress-values.yaml").toString();

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

		assertThat(value(container, "livenessProbe.httpGet.path")).isEqualTo("/livez");
		assertThat(value(container, "readinessProbe.httpGet.path")).isEqualTo("/readyz");
		assertThat(value(container, "startupProbe.httpGet.path")).isEqualTo("/livez");
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
		String config = applicationYaml(objects);
		Map<String, Object> application = new Yaml().load(config);
		String phase = at(application, "spring.lifecycle.timeout-per-shutdown-phase");
		int drain = Integer.parseInt(phase.replace("s", ""));
		assertThat(pause + drain).as("preStop pause + drain fit in the grace period").isLessThan(grace);
		assertThat(value(application, "server.shutdown")).isEqualTo("graceful");

		assertThat(env(container, "JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=");
		assertThat(kinds(objects)).doesNotContain("ServiceMonitor", "PrometheusRule", "NetworkPolicy",
				"HorizontalPodAutoscaler", "Ingress", "HTTPRoute");
		assertThat(kinds(objects)).containsOnlyOnce("Service");
		assertThat(kinds(render("--show-only", "templates/tests/test-connection.yaml"))).containsExactly("Pod");
	}

	/**
	 * The Ingress routes every path of its hosts to the API's port of the Service, and
	 * lets ingress-nginx wait for an answer as long as the longest long poll and the
	 * margin: maxWait as the service reads it, in any form it takes.
	 */
	@Test
	void anIngressLetsLongPollsOutlastTheirWait() throws Exception {
		List<Map<String, Object>> objects = render("-f", INGRESS);
		Map<String, Object> ingress = only(objects, "Ingress");
		assertThat(value(ingress, "spec.ingressClassName")).isEqualTo("nginx");
		Map<String, Object> annotations = at(ingress, "metadata.annotations");
		assertThat(annotations).containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "65")
			.containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "65")
			.containsEntry("cert-manager.io/cluster-issuer", "letsencrypt")
			.doesNotContainKey("nginx.ingress.kubernetes.io/backend-protocol");
		List<Map<String, Object>> rules = at(ingress, "spec.rules");
		assertThat(rules).extracting((rule) -> rule.get("host"))
			.containsExactly("jobs.example.com", "jobs.internal.example.com");
		Map<String, Object> service = only(objects, "Service");
		Map<String, Object> apiPort = first(at(service, "spec.ports"));
		assertThat(rules).allSatisfy((rule) -> assertThat(value(rule, "http.paths"))
			.isEqualTo(List.of(Map.of("path", "/", "pathType", "Prefix", "backend", Map.of("service",
					Map.of("name", value(service, "metadata.name"), "port", Map.of("name", apiPort.get("name"))))))));
		assertThat(value(ingress, "spec.tls")).isEqualTo(List.of(Map.of("hosts",
				List.of("jobs.example.com", "jobs.internal.example.com"), "secretName", "jobs-example-com-tls")));

		for (String maxWait : List.of("60s", "500ms", "2m", "1h", "PT1M30S", "PT0.5S", "P1DT1S")) {
			long longestPoll = (long) Math.ceil(DurationStyle.detectAndParse(maxWait).toMillis() / 1000.0);
			Map<String, Object> timeouts = at(only(
					render("--set",
							"ingress.enabled=true,dispatch.http.maxWait=" + maxWait + ",proxyTimeoutMarginSeconds=5"),
					"Ingress"), "metadata.annotations");
			assertThat(timeouts).as(maxWait)
				.containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", String.valueOf(longestPoll + 5));
		}

		Map<String, Object> toHttps = only(render("-f", INGRESS, "--set", "tls.existingSecret=dispatch-tls"),
				"Ingress");
		assertThat(value(toHttps, "metadata.annotations.nginx\\.ingress\\.kubernetes\\.io/backend-protocol"))
			.as("the pods serve HTTPS")
			.isEqualTo("HTTPS");
		assertThat(notes("-f", INGRESS)).contains("ingress-nginx to wait 65 s for an answer");
		List<Map<String, Object>> anyHost = at(only(render("--set", "ingress.enabled=true"), "Ingress"), "spec.rules");
		assertThat(anyHost).singleElement().satisfies((rule) -> assertThat(rule).doesNotContainKey("host"));
	}

	/**
	 * The HTTPRoute attaches to the Gateways named, sends every path to the API's port of
	 * the Service, and its timeouts let the longest long poll finish.
	 */
	@Test
	void anHttpRouteLetsLongPollsOutlastTheirWait() throws Exception {
		List<Map<String, Object>> objects = render("-f", CHART.resolve("ci/gateway-values.yaml").toString());
		Map<String, Object> route = only(objects, "HTTPRoute");
		assertThat(value(route, "spec.parentRefs"))
			.isEqualTo(List.of(Map.of("name", "public", "namespace", "gateways", "sectionName", "https")));
		assertThat(value(route, "spec.hostnames")).isEqualTo(List.of("jobs.example.com"));
		List<Map<String, Object>> rules = at(route, "spec.rules");
		assertThat(rules).hasSize(1);
		Map<String, Object> rule = first(rules);
		Map<String, Object> service = only(objects, "Service");
		assertThat(value(rule, "backendRefs")).isEqualTo(List.of(Map.of("name", value(service, "metadata.name"), "port",
				value(first(at(service, "spec.ports")), "port"))));
		assertThat(value(rule, "matches"))
			.isEqualTo(List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/"))));
		// maxWait 2m, and the margin of 15 s
		assertThat(value(rule, "timeouts")).isEqualTo(Map.of("request", "135s", "backendRequest", "135s"));
		assertThat(kinds(objects)).doesNotContain("Ingress");
		assertThat(notes("-f", CHART.resolve("ci/gateway-values.yaml").toString()))
			.contains("attaches to gateways/public, with request timeouts of 135 s");

		assertThat(renderFailing("--set", "httpRoute.enabled=true").output()).contains("needs httpRoute.parentRefs");
		assertThat(renderFailing("-f", CHART.resolve("ci/gateway-values.yaml").toString(), "--set",
				"tls.existingSecret=dispatch-tls")
			.output()).contains("Terminate TLS at the Gateway");
		assertThat(renderFailing("--set", "ingress.hosts=jobs.example.com").output()).contains("hosts");
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
		String config = applicationYaml(objects);
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
		Map<String, Object> application = application(objects);
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
		Map<String, Object> application = application(
				render("--set", "backend=redis,redis.url=rediss://redis.example:6390/2"));
		assertThat(value(application, "spring.data.redis"))
			.isEqualTo(Map.of("host", "redis.example", "port", 6390, "database", 2, "ssl", Map.of("enabled", true)));
	}

	/**
	 * The chart's Redis settings and the Secret's password, as the kubelet hands it over,
	 * reach a real Redis: the service authenticates as the chart's user and keeps its
	 * queues under the chart's key prefix. (Security off: this is about Redis.)
	 */
	@Test
	void theRenderedRedisConfigurationReachesRedis(@TempDir Path root) throws Exception {
		String password = "chart-test-secret";
		try (RedisServer redis = RedisServer.start("user dispatch on >" + password + " ~* &* +@all")) {
			List<Map<String, Object>> objects = render("--set",
					"backend=redis,redis.host=" + redis.host() + ",redis.port=" + redis.port()
							+ ",redis.username=dispatch,redis.existingSecret=dispatch-redis"
							+ ",redis.keyPrefix=chart-test,security.enabled=false");
			try (RenderedPod pod = RenderedPod.start(objects, root,
					Map.of("dispatch-redis", Map.of("redis-password", password)))) {
				int port = pod.port("http");
				HttpResponse<String> put = post(port, "/v1/queues/emails/jobs", "{\"to\": \"a@example.com\"}", null);
				assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
				HttpResponse<String> take = post(port, "/v1/queues/emails/leases?wait=0&ack=auto", "", null);
				assertThat(take.body()).contains("a@example.com");
				assertThat(redis.command("CLIENT", "LIST")).contains("user=dispatch");
				assertThat(redis.command("EXISTS", "chart-test:queues")).isEqualTo("1");
			}
		}
	}

	/**
	 * Sentinel beside a single server and a cluster: the chart hands Spring Boot the
	 * sentinels and the primary's name, and both passwords from their Secrets, never from
	 * the ConfigMap.
	 */
	@Test
	void theSentinelScenarioNamesTheSentinelsAndTakesBothPasswordsFromSecrets() throws Exception {
		List<Map<String, Object>> objects = render("-f", SENTINEL);
		Map<String, Object> application = application(objects);
		assertThat(value(application, "spring.data.redis")).isEqualTo(Map.of("database", 0, "sentinel",
				Map.of("master", "mymaster", "nodes",
						List.of("redis-node-0.redis-headless.redis.svc.cluster.local:26379",
								"redis-node-1.redis-headless.redis.svc.cluster.local:26379",
								"redis-node-2.redis-headless.redis.svc.cluster.local:26379"))));
		assertThat(applicationYaml(objects)).doesNotContainIgnoringCase("password");
		Map<String, Object> container = first(at(only(objects, "Deployment"), "spec.template.spec.containers"));
		assertThat(value(envVar(container, "SPRING_DATA_REDIS_PASSWORD"), "valueFrom.secretKeyRef"))
			.isEqualTo(Map.of("name", "dispatch-redis", "key", "redis-password"));
		assertThat(value(envVar(container, "SPRING_DATA_REDIS_SENTINEL_PASSWORD"), "valueFrom.secretKeyRef"))
			.isEqualTo(Map.of("name", "dispatch-redis-sentinel", "key", "sentinel-password"));
		assertThat(notes("-f", SENTINEL)).contains("Redis primary 'mymaster' of the sentinels");

		assertThat(renderFailing("--set", "backend=redis,redis.sentinel.nodes[0]=sentinel:26379").output())
			.contains("redis.sentinel.nodes needs redis.sentinel.master");
		assertThat(renderFailing("-f", SENTINEL, "--set", "redis.host=redis").output())
			.contains("takes one Redis address, got redis.host and redis.sentinel.nodes");
		assertThat(renderFailing("--set", "backend=redis,redis.host=redis,redis.sentinel.master=mymaster").output())
			.contains("only used with redis.sentinel.nodes");
		assertThat(renderFailing("-f", SENTINEL, "--set", "redis.sentinel.password=hunter2").output())
			.contains("additional properties 'password'");
	}

	/**
	 * The chart's Sentinel settings reach real sentinels: the service asks them for the
	 * primary and keeps its queues there.
	 */
	@Test
	void theRenderedSentinelConfigurationFindsThePrimary(@TempDir Path root) throws Exception {
		try (RedisSentinels redis = RedisSentinels.start()) {
			StringBuilder values = new StringBuilder("backend=redis,redis.sentinel.master="
					+ RedisSentinels.PRIMARY_NAME + ",redis.keyPrefix=chart-sentinel,security.enabled=false");
			List<String> nodes = redis.sentinelNodes();
			for (int i = 0; i < nodes.size(); i++) {
				values.append(",redis.sentinel.nodes[").append(i).append("]=").append(nodes.get(i));
			}
			try (RenderedPod pod = RenderedPod.start(render("--set", values.toString()), root, Map.of())) {
				int port = pod.port("http");
				HttpResponse<String> put = post(port, "/v1/queues/emails/jobs", "{\"to\": \"a@example.com\"}", null);
				assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
				assertThat(redis.primary().command("EXISTS", "chart-sentinel:queues")).isEqualTo("1");
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
		assertThat(endpoint).containsEntry("path", "/actuator/prometheus").containsEntry("port", "management");
		assertThat(value(monitor, "metadata.labels.release")).isEqualTo("prometheus");

		// it selects the metrics Service alone, which exposes the management port only
		Map<String, Object> selector = at(monitor, "spec.selector.matchLabels");
		List<Map<String, Object>> selected = objects.stream()
			.filter((o) -> "Service".equals(o.get("kind")))
			.filter((o) -> Manifests.<Map<String, Object>>at(o, "metadata.labels")
				.entrySet()
				.containsAll(selector.entrySet()))
			.toList();
		assertThat(selected).singleElement().satisfies((metrics) -> {
			assertThat(value(metrics, "metadata.name")).isEqualTo("dispatch-metrics");
			assertThat(value(metrics, "spec.clusterIP")).isEqualTo("None");
			assertThat(value(metrics, "spec.ports")).isEqualTo(
					List.of(Map.of("name", "management", "port", 9090, "targetPort", "management", "protocol", "TCP")));
		});
		assertThat(value(named(objects, "Service", "dispatch"), "spec.ports"))
			.isEqualTo(List.of(Map.of("name", "http", "port", 8080, "targetPort", "http", "protocol", "TCP")));

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
		List<Map<String, Object>> rules = at(policy, "spec.ingress");
		assertThat(rules).hasSize(2);
		assertThat(value(rules.get(0), "ports")).isEqualTo(List.of(Map.of("port", "http", "protocol", "TCP")));
		List<Map<String, Object>> clients = at(rules.get(0), "from");
		assertThat(clients).hasSize(2).allSatisfy((peer) -> assertThat(peer).containsOnlyKeys("namespaceSelector"));
		// the management port admits Prometheus alone, and none of the API's clients
		assertThat(value(rules.get(1), "ports")).isEqualTo(List.of(Map.of("port", "management", "protocol", "TCP")));
		List<Map<String, Object>> scrapers = at(rules.get(1), "from");
		assertThat(scrapers).singleElement()
			.satisfies((peer) -> assertThat(value(peer, "podSelector.matchLabels"))
				.isEqualTo(Map.of("app.kubernetes.io/name", "prometheus")));
		assertThat(clients).doesNotContainAnyElementsOf(scrapers);
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
	void theRenderedConfigurationReachesTheService(@TempDir Path root) throws Exception {
		List<Map<String, Object>> objects = render("-f", CHART.resolve("ci/queues-values.yaml").toString());
		try (RenderedPod pod = RenderedPod.start(objects, root, Map.of())) {
			ConfigurableApplicationContext service = pod.service();
			QueueRegistry queues = service.getBean(QueueRegistry.class);
			QueueConfig emails = queues.require("emails").snapshot().join().config();
			assertThat(emails.capacity()).isEqualTo(10_000);
			assertThat(emails.leaseTimeout()).hasMinutes(2);
			QueueConfig thumbnails = queues.require("thumbnails").snapshot().join().config();
			assertThat(thumbnails.maxAttempts()).isEqualTo(10);
			assertThat(thumbnails.deadLetterQueueFor("thumbnails")).isEqualTo("thumbnails.failed");
			assertThat(thumbnails.maxInFlightPerGroup()).isEqualTo(2);
			assertThat(emails.maxInFlightPerGroup()).as("unset: no limit").isEqualTo(QueueConfig.UNLIMITED);
			assertThat(queues.defaults().capacity()).isEqualTo(500);
			assertThat(service.getEnvironment().getProperty("dispatch.http.max-wait")).isEqualTo("30s");
			assertThat(service.getEnvironment().getProperty("dispatch.max-held-bytes")).isEqualTo("128MB");
		}
	}

	/**
	 * The service the chart deploys with no values at all: a put without credentials is
	 * refused; the probes answer where the Deployment points them; the metrics are served
	 * on the management port, the one the scrape annotations name, and neither on the
	 * API's port nor through the Service; the OpenAPI document is off.
	 */
	@Test
	void byDefaultTheApiNeedsCredentialsAndMetricsStayOffTheService(@TempDir Path root) throws Exception {
		List<Map<String, Object>> objects = render();
		Map<String, Object> deployment = only(objects, "Deployment");
		Map<String, Object> container = first(at(deployment, "spec.template.spec.containers"));
		List<Map<String, Object>> servicePorts = at(only(objects, "Service"), "spec.ports");
		assertThat(servicePorts).extracting((port) -> port.get("targetPort")).containsExactly("http");
		Map<String, Object> application = application(objects);
		assertThat(value(application, "dispatch.security.required")).isEqualTo(true);

		try (RenderedPod pod = RenderedPod.start(objects, root, Map.of())) {
			int api = pod.port("http");
			HttpResponse<String> put = post(api, "/v1/queues/emails/jobs", "{}", null);
			assertThat(put.statusCode()).as(put.body()).isEqualTo(401);
			assertThat(post(api, "/v1/queues/emails/jobs", "{}", "a-guessed-key").statusCode()).isEqualTo(401);
			assertThat(get(api, "/v1/queues").statusCode()).isEqualTo(401);

			for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
				int port = pod.port(at(container, probe + ".httpGet.port"));
				assertThat(get(port, at(container, probe + ".httpGet.path")).statusCode()).as(probe).isEqualTo(200);
			}

			// where the scrape annotations point
			String scraped = at(deployment, "spec.template.metadata.annotations.prometheus\\.io/port");
			List<Map<String, Object>> containerPorts = at(container, "ports");
			String scrapedPort = containerPorts.stream()
				.filter((port) -> scraped.equals(String.valueOf(port.get("containerPort"))))
				.map((port) -> (String) port.get("name"))
				.findFirst()
				.orElseThrow();
			assertThat(scrapedPort).isEqualTo("management");
			HttpResponse<String> metrics = get(pod.port(scrapedPort), "/actuator/prometheus");
			assertThat(metrics.statusCode()).isEqualTo(200);
			assertThat(metrics.body()).contains("dispatch_");
			assertThat(get(api, "/actuator/prometheus").statusCode()).isEqualTo(404);
			assertThat(get(api, "/actuator/info").statusCode()).isEqualTo(404);

			assertThat(get(api, "/v3/api-docs").statusCode()).isEqualTo(404);
			assertThat(get(api, "/swagger-ui.html").statusCode()).isEqualTo(404);
		}
	}

	/**
	 * What NOTES.txt tells to do when no credentials are configured works: its recipe
	 * makes a key and the YAML of a Secret, and once the chart is upgraded to mount that
	 * Secret (read-only, imported by the rendered configuration, never copied into the
	 * ConfigMap), a put with that key is accepted.
	 */
	@Test
	void aKeyMadeAsTheNotesSayIsAcceptedFromItsSecret(@TempDir Path root) throws Exception {
		String refused = notes();
		assertThat(refused).contains("Every API request is refused (401)");
		List<String> recipe = refused.lines()
			.map(String::strip)
			.filter((line) -> line.startsWith("key=") || line.startsWith("hash=") || line.startsWith("echo "))
			.toList();
		assertThat(recipe).as(refused).hasSize(3);
		Path workbench = Files.createDirectories(root.resolve("workbench"));
		ExternalTool.require("openssl", "apt-get install openssl");
		Result made = run(
				List.of("sh", "-c", "cd '" + workbench + "'\n" + String.join("\n", recipe) + "\nprintf %s \"$key\""));
		assertThat(made.exitCode()).as(made.output()).isZero();
		String key = made.output();

		Matcher secret = Pattern
			.compile("create secret generic (?<name>\\S+) --from-file=(?<key>[^=\\s]+)=(?<file>\\S+)")
			.matcher(refused);
		assertThat(secret.find()).as(refused).isTrue();
		Matcher upgrade = Pattern.compile("helm upgrade .* --set (\\S+)").matcher(refused);
		assertThat(upgrade.find()).as(refused).isTrue();
		String secretName = secret.group("name");
		String yaml = Files.readString(workbench.resolve(secret.group("file")));
		assertThat(notes("--set", upgrade.group(1))).doesNotContain("refused")
			.contains("API keys: from Secret " + secretName);

		List<Map<String, Object>> objects = render("--set", upgrade.group(1));
		Matcher hash = Pattern.compile("[0-9a-f]{64}").matcher(yaml);
		assertThat(hash.find()).as(yaml).isTrue();
		assertThat(applicationYaml(objects)).doesNotContain(hash.group());
		Map<String, Object> container = first(at(only(objects, "Deployment"), "spec.template.spec.containers"));
		List<Map<String, Object>> mounts = at(container, "volumeMounts");
		assertThat(mounts).filteredOn((mount) -> "api-keys".equals(mount.get("name")))
			.singleElement()
			.satisfies((mount) -> assertThat(mount).containsEntry("readOnly", true));
		try (RenderedPod pod = RenderedPod.start(objects, root,
				Map.of(secretName, Map.of(secret.group("key"), yaml)))) {
			int api = pod.port("http");
			HttpResponse<String> put = post(api, "/v1/queues/emails/jobs", "{\"n\": 1}", key);
			assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
			assertThat(post(api, "/v1/queues/emails/jobs", "{}", null).statusCode()).isEqualTo(401);
			assertThat(post(api, "/v1/queues/emails/jobs", "{}", key + "x").statusCode()).isEqualTo(401);
		}
	}

	/**
	 * With a TLS Secret, the API answers HTTPS with its certificate, the probes ask over
	 * HTTPS, and plain HTTP is not served; credentials are still required.
	 */
	@Test
	void aTlsSecretMakesTheApiSpeakHttps(@TempDir Path root) throws Exception {
		List<Map<String, Object>> objects = render("-f", CHART.resolve("ci/tls-values.yaml").toString());
		Map<String, Object> container = first(at(only(objects, "Deployment"), "spec.template.spec.containers"));
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			assertThat((String) at(container, probe + ".httpGet.scheme")).as(probe).isEqualTo("HTTPS");
		}
		SelfSigned certificate = SelfSigned.make(root.resolve("made"));
		try (RenderedPod pod = RenderedPod.start(objects, root.resolve("pod"), Map.of("dispatch-tls",
				Map.of("tls.crt", certificate.certificatePem(), "tls.key", certificate.privateKeyPem())))) {
			int api = pod.port("http");
			try (HttpClient https = HttpClient.newBuilder().sslContext(certificate.trusting()).build()) {
				HttpResponse<String> ready = https.send(
						HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api + "/readyz")).build(),
						HttpResponse.BodyHandlers.ofString());
				assertThat(ready.statusCode()).isEqualTo(200);
				HttpResponse<String> put = https
					.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api + "/v1/queues/q/jobs"))
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString("{}"))
						.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(put.statusCode()).isEqualTo(401);
			}
			assertThatThrownBy(() -> get(api, "/readyz")).as("plain HTTP on the API's port")
				.isInstanceOf(IOException.class);
		}
	}

	/**
	 * JWTs signed with the issuer's keys are accepted, and their roles and queues are
	 * read from the claims the chart names; the issuer is checked too.
	 */
	@Test
	void jwtsAreReadThroughTheChartsIssuerAndClaims(@TempDir Path root) throws Exception {
		try (JwkSetServer jwks = JwkSetServer.start("chart")) {
			RSAKey signing = jwks.signing();
			// the scenario's issuer, its keys served here instead of found by discovery
			String issuer = "https://idp.example.com/realms/main";
			List<Map<String, Object>> objects = render("-f", CHART.resolve("ci/jwt-values.yaml").toString(), "--set",
					"security.jwt.jwkSetUri=" + jwks.uri());
			try (RenderedPod pod = RenderedPod.start(objects, root, Map.of())) {
				int api = pod.port("http");
				Map<String, Object> shop = Map.of("client_id", "shop", "dispatch_roles", List.of("producer"),
						"dispatch_queues", List.of("orders.*"));
				HttpResponse<String> put = post(api, "/v1/queues/orders.eu/jobs", "{}", jwt(signing, issuer, shop));
				assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
				assertThat(post(api, "/v1/queues/billing/jobs", "{}", jwt(signing, issuer, shop)).statusCode())
					.as("outside its queues")
					.isEqualTo(403);
				Map<String, Object> rolesElsewhere = Map.of("client_id", "shop", "roles", List.of("producer"));
				assertThat(
						post(api, "/v1/queues/orders.eu/jobs", "{}", jwt(signing, issuer, rolesElsewhere)).statusCode())
					.as("roles in another claim than the chart's")
					.isEqualTo(403);
				Map<String, Object> unnamed = Map.of("sub", "shop", "dispatch_roles", List.of("producer"));
				HttpResponse<String> anonymous = post(api, "/v1/queues/orders.eu/jobs", "{}",
						jwt(signing, issuer, unnamed));
				assertThat(anonymous.statusCode()).isEqualTo(401);
				assertThat(anonymous.body()).contains("client_id");
				assertThat(post(api, "/v1/queues/orders.eu/jobs", "{}",
						jwt(signing, "https://elsewhere.example.com", shop))
					.statusCode()).as("another issuer").isEqualTo(401);
			}
		}
	}

	@Test
	void securitySettingsThatCannotStandTogetherAreRefused() throws Exception {
		assertThat(renderFailing("--set", "security.enabled=false,security.apiKeys.existingSecret=keys").output())
			.contains("security.enabled=false would leave the API open");
		assertThat(renderFailing("--set", "management.port=8080").output())
			.contains("management.port must differ from service.port");
		// keys come from a Secret only: no value takes them
		assertThat(renderFailing("--set", "dispatch.security.required=false").output())
			.contains("additional properties 'security'");
		assertThat(renderFailing("--set", "security.apiKeys.keys[0].name=ops").output())
			.contains("additional properties 'keys'");
		assertThat(renderFailing("--set", "security.jwt.issuerUri=idp.example.com").output()).contains("issuerUri");

		Map<String, Object> open = application(render("--set", "security.enabled=false"));
		assertThat(value(open, "dispatch.security.required")).isEqualTo(false);
		assertThat(notes("--set", "security.enabled=false")).contains("SECURITY IS OFF");
	}

	@Test
	void theOpenApiDocumentIsServedOnlyWhenAskedFor() throws Exception {
		Map<String, Object> off = application(render());
		assertThat(value(off, "springdoc"))
			.isEqualTo(Map.of("api-docs", Map.of("enabled", false), "swagger-ui", Map.of("enabled", false)));
		Map<String, Object> on = application(render("-f", CHART.resolve("ci/api-keys-values.yaml").toString()));
		assertThat(value(on, "springdoc"))
			.isEqualTo(Map.of("api-docs", Map.of("enabled", true), "swagger-ui", Map.of("enabled", true)));
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

	/** The application.yaml of the rendered ConfigMap. */
	private static String applicationYaml(List<Map<String, Object>> objects) {
		return at(only(objects, "ConfigMap"), "data.application\\.yaml");
	}

	private static Map<String, Object> application(List<Map<String, Object>> objects) {
		return new Yaml().load(applicationYaml(objects));
	}

	private static List<String> kinds(List<Map<String, Object>> objects) {
		return objects.stream().map((o) -> (String) o.get("kind")).toList();
	}

	private static String env(Map<String, Object> container, String name) {
		return (String) envVar(container, name).get("value");
	}

	private static Map<String, Object> envVar(Map<String, Object> container, String name) {
		List<Map<String, Object>> env = at(container, "env");
		return env.stream().filter((e) -> name.equals(e.get("name"))).findFirst().orElseThrow();
	}

	/** The NOTES.txt of an installation, as {@code helm install} prints them. */
	private static String notes(String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(helm.toString(), "install", "dispatch", CHART.toString(),
				"--namespace", "jobs", "--dry-run=client"));
		command.addAll(List.of(args));
		Result result = run(command);
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("NOTES:");
		return result.output().substring(result.output().indexOf("NOTES:"));
	}

	private static HttpResponse<String> post(int port, String path, String body, String bearer) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return send(request.build());
	}

	private static String jwt(RSAKey key, String issuer, Map<String, Object> claims) throws JOSEException {
		JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().issuer(issuer)
			.issueTime(Date.from(Instant.now().minusSeconds(60)))
			.expirationTime(Date.from(Instant.now().plusSeconds(600)));
		claims.forEach(set::claim);
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
				set.build());
		jwt.sign(new RSASSASigner(key));
		return jwt.serialize();
	}

	private static HttpResponse<String> get(int port, String path) throws Exception {
		return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build());
	}

	private static HttpResponse<String> send(HttpRequest request) throws Exception {
		try (HttpClient http = HttpClient.newHttpClient()) {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
	}

}
