package dev.dispatch.web.request;

import dev.dispatch.web.poll.HttpProperties;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.EagerContentHandler;

import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * Reads request bodies before a worker thread is given to the request: Jetty loads a body
 * asynchronously (no thread waits for a slow client), and the request reaches the service
 * once the body is all there, up to the largest the service accepts; a larger one is
 * refused by the service, which reads no further. Without this, clients that send a put's
 * headers and then trickle its body would each hold a worker blocked in a read, and a few
 * hundred of them starve every other client and the health checks. A client that stops
 * sending is dropped by the connection's idle timeout, having held no thread. In front of
 * it, {@link BodyLimits} refuses a body whose declared length is over its endpoint's
 * limit before any of it is loaded.
 */
@Component
class EagerBodies implements JettyServerCustomizer {

	/**
	 * What the loader's count of 8 bytes per piece of a body (its default, which bounds
	 * the pieces one body may pin) may add before a body looks larger than it is: 8,192
	 * pieces, 128 bytes each on average for a 1 MiB body. Without it, a body that stopped
	 * a few hundred bytes short of the largest was handed to a worker, which then blocked
	 * waiting for the rest.
	 */
	static final long FRAMING_SLACK = 64 * 1024;

	private final HttpProperties http;

	/**
	 * Enough for the largest body any endpoint accepts, the byte beyond it, and the
	 * framing slack.
	 */
	private final long retained;

	EagerBodies(HttpProperties http) {
		this.http = http;
		this.retained = BodyLimit.largest(http).bytes() + 1 + FRAMING_SLACK;
	}

	@Override
	public void customize(Server server) {
		// -1: the loader's default framing count (see FRAMING_SLACK)
		EagerContentHandler eager = new EagerContentHandler(
				new EagerContentHandler.RetainedContentLoaderFactory(this.retained, -1, false));
		eager.includeMethod("POST", "PUT", "PATCH", "DELETE");
		eager.setHandler(server.getHandler());
		server.setHandler(new BodyLimits(this.http, eager));
	}

}
