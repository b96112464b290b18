package dev.dispatch;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.dispatch.config.BackendDescription;
import dev.dispatch.security.ApiAccess;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Says in a few lines, once the service is ready, what runs where: the API's address, the
 * actuator's port, where the queues are kept, and who may call the API. The one place
 * that says so at start-up; the framework's own start-up lines are turned down to
 * warnings (application.yaml), so that the start is quiet unless something is wrong.
 */
@Component
class StartupReport {

	private static final Log log = LogFactory.getLog(StartupReport.class);

	private final Environment environment;

	private final ObjectProvider<ServerProperties> server;

	private final ObjectProvider<ManagementServerProperties> management;

	private final ObjectProvider<BackendDescription> backend;

	private final ObjectProvider<ApiAccess> access;

	private final ObjectProvider<BuildProperties> build;

	/**
	 * Port of the actuator's own server, once it has started; 0 while there is none.
	 * Written and read on the thread that starts the application.
	 */
	private int managementPort;

	StartupReport(Environment environment, ObjectProvider<ServerProperties> server,
			ObjectProvider<ManagementServerProperties> management, ObjectProvider<BackendDescription> backend,
			ObjectProvider<ApiAccess> access, ObjectProvider<BuildProperties> build) {
		this.environment = environment;
		this.server = server;
		this.management = management;
		this.backend = backend;
		this.access = access;
		this.build = build;
	}

	/** The actuator's server, on a port of its own, announces itself here. */
	@EventListener
	void webServerStarted(WebServerInitializedEvent event) {
		if ("management".equals(event.getApplicationContext().getServerNamespace())) {
			this.managementPort = event.getWebServer().getPort();
		}
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		String name = this.build.stream()
			.map((build) -> "Dispatch " + build.getVersion())
			.findFirst()
			.orElse("Dispatch");
		log.info("%s ready in %s: %s".formatted(name, seconds(event.getTimeTaken()),
				where(event.getApplicationContext())));
		this.backend.ifAvailable((description) -> log.info("Queues: " + description.summary()));
		this.access.ifAvailable(this::reportAccess);
	}

	private String where(Object context) {
		if (!(context instanceof WebServerApplicationContext web) || web.getWebServer() == null) {
			return "no HTTP API (not a web application)";
		}
		ServerProperties server = this.server.getObject();
		String api = "API on " + url(server.getSsl(), server.getAddress(), web.getWebServer().getPort());
		return switch (ManagementPortType.get(this.environment)) {
			case DISABLED -> api + ", actuator off";
			case SAME -> api + ", actuator on the same port";
			case DIFFERENT -> {
				ManagementServerProperties management = this.management.getObject();
				yield api + ", actuator on " + url(management.getSsl(), management.getAddress(), this.managementPort);
			}
		};
	}

	private void reportAccess(ApiAccess access) {
		if (access.refusesEveryone()) {
			log.error(access.summary());
		}
		else if (access.open()) {
			log.warn(access.summary());
		}
		else {
			log.info(access.summary());
		}
	}

	/** Where a server listens; no address: every interface. */
	private static String url(Ssl ssl, InetAddress address, int port) {
		String host = (address == null) ? "0.0.0.0" : address.getHostAddress();
		if (address instanceof Inet6Address) {
			host = "[" + host + "]";
		}
		String url = (Ssl.isEnabled(ssl) ? "https://" : "http://") + host + ":" + port;
		return (address == null) ? url + " (every interface)" : url;
	}

	private static String seconds(Duration taken) {
		return String.format(Locale.ROOT, "%.1f s", taken.toMillis() / 1000.0);
	}

}
