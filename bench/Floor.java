import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/**
 * The floor of bench/idle.sh: a bare JDK {@code HttpServer} on a loopback port that answers
 * every GET with a small JSON body, on its dispatcher thread, and anything else 405. What an
 * idle HTTP answer costs on this machine with no framework at all. Run as a single source file:
 * {@code java -Dsun.net.httpserver.nodelay=true bench/Floor.java PORT}.
 */
public final class Floor {

	private Floor() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 1) {
			throw new IllegalArgumentException("usage: java bench/Floor.java PORT");
		}
		byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
		HttpServer server = HttpServer.create(address, 0);
		server.createContext("/", (exchange) -> {
			try (exchange) {
				exchange.getRequestBody().readAllBytes();
				if (!"GET".equals(exchange.getRequestMethod())) {
					exchange.sendResponseHeaders(405, -1);
					return;
				}
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
			}
		});
		server.start();
	}

}
