package dev.dispatch.web.request;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that send a request's headers and then its body a byte or two at a time — more
 * of them than the web server has worker threads — must not starve anyone: health, and
 * puts and takes on another queue, are answered before their clients' own deadlines.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.jetty.threads.max=16", "server.jetty.threads.min=8",
				"dispatch.http.max-batch-size=" + SlowBodyTest.MAX_BATCH, "dispatch.http.max-payload-size=16KB" })
class SlowBodyTest {

	private static final int SLOW_CLIENTS = 40;

	static final int MAX_BATCH = 64 * 1024;

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void slowBodiesHoldNoWorkerThread() throws Exception {
		this.registry.configure("slow", QueueConfig.DEFAULTS);
		this.registry.configure("others", QueueConfig.DEFAULTS);
		List<Socket> slow = new ArrayList<>();
		ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
		try {
			for (int i = 0; i < SLOW_CLIENTS; i++) {
				String path = (i % 2 == 0) ? "/v1/queues/slow/jobs" : "/v1/queues/slow";
				String method = (i % 2 == 0) ? "POST" : "PUT";
				Socket socket = new Socket();
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
				socket.getOutputStream()
					.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
							+ "Content-Length: 100\r\n\r\n{")
						.getBytes(StandardCharsets.US_ASCII));
				slow.add(socket);
			}
			trickle.scheduleAtFixedRate(() -> slow.forEach((socket) -> {
				try {
					socket.getOutputStream().write(' ');
				}
				catch (IOException gone) {
					// the server may drop a slow client: that is allowed
				}
			}), 200, 200, TimeUnit.MILLISECONDS);
			Thread.sleep(1_000);

			assertThat(send("GET", "/actuator/health", null).statusCode()).isEqualTo(200);
			assertThat(send("POST", "/v1/queues/others/jobs", "{\"n\":1}").statusCode()).isEqualTo(201);
			HttpResponse<String> taken = send("POST", "/v1/queues/others/leases?wait=1s&ack=auto", null);
			assertThat(taken.statusCode()).isEqualTo(200);
			assertThat(taken.body()).contains("{\"n\":1}");
			assertThat(this.registry.require("slow").snapshot().join().size()).isZero();
		}
		finally {
			trickle.shutdownNow();
			for (Socket socket : slow) {
				socket.close();
			}
		}
	}

	/**
	 * Bodies sent at full speed in many pieces that stop just short of the largest body
	 * the service takes: the web server must not count each piece's framing as if it were
	 * body, take the body for one too large, and hand the request to a worker that then
	 * waits.
	 */
	@Test
	void bodiesThatStopJustShortOfTheLargestHoldNoWorkerThread() throws Exception {
		this.registry.configure("others", QueueConfig.DEFAULTS);
		List<Socket> stalled = new ArrayList<>();
		try {
			for (int i = 0; i < SLOW_CLIENTS; i++) {
				Socket socket = new Socket();
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
				socket.setTcpNoDelay(true);
				socket.getOutputStream()
					.write(("POST /v1/queues/stalled/jobs/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
							+ "Content-Type: application/json\r\nContent-Length: " + MAX_BATCH + "\r\n\r\n")
						.getBytes(StandardCharsets.US_ASCII));
				byte[] body = " ".repeat(MAX_BATCH - 4).getBytes(StandardCharsets.US_ASCII);
				for (int sent = 0; sent < body.length; sent += 512) {
					socket.getOutputStream().write(body, sent, Math.min(512, body.length - sent));
					socket.getOutputStream().flush();
				}
				stalled.add(socket);
			}

			assertThat(send("GET", "/actuator/health", null).statusCode()).isEqualTo(200);
			assertThat(send("POST", "/v1/queues/others/jobs", "{\"n\":1}").statusCode()).isEqualTo(201);
			assertThat(send("POST", "/v1/queues/others/leases?wait=1s&ack=auto", null).statusCode()).isEqualTo(200);
		}
		finally {
			for (Socket socket : stalled) {
				socket.close();
			}
		}
	}

	private HttpResponse<String> send(String method, String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(5))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
