package dev.dispatch.chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.dispatch.DispatchApplication;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static dev.dispatch.chart.Manifests.at;
import static dev.dispatch.chart.Manifests.first;
import static dev.dispatch.chart.Manifests.named;
import static dev.dispatch.chart.Manifests.only;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service, in this JVM, started as the rendered Deployment's pod would start it: the
 * files of its volumes (the ConfigMap's, and the Secrets the test gives, as the kubelet
 * mounts them) under a directory that stands for the container's root, every
 * {@code file:} location in them and in the container's environment moved there too, and
 * that environment. Only the network differs: it listens on loopback, on free ports,
 * which {@link #port} finds by the names the container gives them.
 */
final class RenderedPod implements AutoCloseable {

	private final ConfigurableApplicationContext service;

	private final Map<String, Integer> ports = new HashMap<>();

	private RenderedPod(ConfigurableApplicationContext service) {
		this.service = service;
	}

	/**
	 * Starts the service of the rendered objects.
	 * @param objects the rendered chart
	 * @param root stands for the container's root directory
	 * @param secrets the Secrets the pod reads, by name: their data by key
	 */
	static RenderedPod start(List<Map<String, Object>> objects, Path root, Map<String, Map<String, String>> secrets)
			throws IOException {
		Map<String, Object> pod = at(only(objects, "Deployment"), "spec.template.spec");
		Map<String, Object> container = first(at(pod, "containers"));
		Map<String, Map<String, Object>> volumes = new HashMap<>();
		for (Map<String, Object> volume : Manifests.<List<Map<String, Object>>>at(pod, "volumes")) {
			volumes.put((String) volume.get("name"), volume);
		}
		for (Map<String, Object> mount : Manifests.<List<Map<String, Object>>>at(container, "volumeMounts")) {
			Path directory = inside(root, (String) mount.get("mountPath"));
			Files.createDirectories(directory);
			Map<String, String> files = files(volumes.get((String) mount.get("name")), objects, secrets);
			for (Map.Entry<String, String> file : files.entrySet()) {
				Files.writeString(directory.resolve(file.getKey()), moved(file.getValue(), root));
			}
		}
		Map<String, Object> environment = new HashMap<>();
		for (Map<String, Object> variable : Manifests.<List<Map<String, Object>>>at(container, "env")) {
			String value = (String) variable.get("value");
			if (value == null) {
				Map<String, String> reference = at(variable, "valueFrom.secretKeyRef");
				value = secret(secrets, reference.get("name")).get(reference.get("key"));
			}
			environment.put((String) variable.get("name"), moved(value, root));
		}
		StandardEnvironment pods = new StandardEnvironment();
		// named as Spring Boot names environment variables, so that it maps them alike
		pods.getPropertySources()
			.addBefore(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					"pod-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
		ConfigurableApplicationContext service = new SpringApplicationBuilder(DispatchApplication.class)
			.environment(pods)
			.run("--server.address=127.0.0.1", "--server.port=0", "--management.server.address=127.0.0.1",
					"--management.server.port=0", "--spring.jmx.enabled=false");
		RenderedPod started = new RenderedPod(service);
		started.mapPorts(container, objects);
		return started;
	}

	/** The port the service listens on for the container's port of that name. */
	int port(String name) {
		assertThat(this.ports).as("the container's ports").containsKey(name);
		return this.ports.get(name);
	}

	ConfigurableApplicationContext service() {
		return this.service;
	}

	@Override
	public void close() {
		this.service.close();
	}

	/**
	 * Each container port is the one the rendered configuration gives the API or the
	 * management server; the running service listens on a free port instead.
	 */
	private void mapPorts(Map<String, Object> container, List<Map<String, Object>> objects) {
		Map<String, Object> configuration = new Yaml()
			.load((String) at(only(objects, "ConfigMap"), "data.application\\.yaml"));
		Map<Object, Integer> listening = new HashMap<>();
		listening.put(at(configuration, "server.port"),
				((WebServerApplicationContext) this.service).getWebServer().getPort());
		listening.put(at(configuration, "management.server.port"),
				this.service.getEnvironment().getRequiredProperty("local.management.port", Integer.class));
		for (Map<String, Object> port : Manifests.<List<Map<String, Object>>>at(container, "ports")) {
			Object containerPort = port.get("containerPort");
			assertThat(listening).as("what the service listens on").containsKey(containerPort);
			this.ports.put((String) port.get("name"), listening.get(containerPort));
		}
	}

	/** The files of a volume, by path in it, as the kubelet writes them. */
	private static Map<String, String> files(Map<String, Object> volume, List<Map<String, Object>> objects,
			Map<String, Map<String, String>> secrets) {
		assertThat(volume).as("a mounted volume").isNotNull();
		Map<String, String> data;
		if (volume.get("configMap") != null) {
			String name = at(volume, "configMap.name");
			data = at(named(objects, "ConfigMap", name), "data");
		}
		else if (volume.get("secret") != null) {
			data = secret(secrets, at(volume, "secret.secretName"));
		}
		else {
			return Map.of();
		}
		List<Map<String, String>> items = at(volume,
				(volume.get("configMap") != null) ? "configMap.items" : "secret.items");
		if (items == null) {
			return data;
		}
		Map<String, String> files = new LinkedHashMap<>();
		for (Map<String, String> item : items) {
			assertThat(data).as("the keys of volume " + volume.get("name")).containsKey(item.get("key"));
			files.put(item.get("path"), data.get(item.get("key")));
		}
		return files;
	}

	private static Map<String, String> secret(Map<String, Map<String, String>> secrets, String name) {
		assertThat(secrets).as("the Secrets the pod reads").containsKey(name);
		return secrets.get(name);
	}

	private static Path inside(Path root, String absolute) {
		assertThat(absolute).startsWith("/");
		return root.resolve(absolute.substring(1));
	}

	/** The text with its {@code file:} locations moved under root. */
	private static String moved(String text, Path root) {
		return text.replace("file:/", "file:" + root + "/");
	}

}
