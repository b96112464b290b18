package dev.dispatch.web;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.EagerContentHandler;

import dev.dispatch.config.HttpProperties;

import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * Reads request bodies before a worker thread is given to the request: Jetty loads a body
 * asynchronously (no thread waits for a slow client), and the request reaches the service
 * once the body is all there, up to the largest the service accepts; a larger one is
 * refused by the service, which reads no further. Without this, clients that send a put's
 * headers and then trickle its body would each hold a worker blocked in a read, and a few
 * hundred of them starve every other client and the health checks. A client that stops
 * sending is dropped by the connection's idle timeout, having held no thread.
 */
@Component
class EagerBodies implements JettyServerCustomizer {

	/** Enough for the largest body any endpoint accepts, and the byte beyond it. */
	private final long retained;

	EagerBodies(HttpProperties http) {
		this.retained = Math.max(Math.max(http.maxPayloadSize().toBytes(), http.maxBatchSize().toBytes()),
				Math.max(SettingsReader.LIMIT, BatchReader.SETTLE_LIMIT)) + 1;
	}

	@Override
	public void customize(Server server) {
		// framing overhead 0: by default each piece of a body counts 8 bytes more than it
		// holds, so a body that stops a few hundred bytes short of the largest looked too
		// large, and went to a worker that then waited for the rest
		EagerContentHandler eager = new EagerContentHandler(
				new EagerContentHandler.RetainedContentLoaderFactory(this.retained, 0, false));
		eager.includeMethod("POST", "PUT", "PATCH", "DELETE");
		eager.setHandler(server.getHandler());
		server.setHandler(eager);
	}

}
