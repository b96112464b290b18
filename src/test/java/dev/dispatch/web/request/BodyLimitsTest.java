package dev.dispatch.web.request;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that declares a body larger than its endpoint takes, sends a few bytes of it,
 * and waits: over a raw socket it is answered 413 with the limit that applied, by name
 * and value, and the connection is closed, while the client has not finished sending
 * (this client never half-closes, so nothing but the declared length can have led to the
 * answer; before {@link BodyLimits} it got none until the idle timeout).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BodyLimitsTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	/**
	 * Sends the head with {@code Content-Length: declared} and ten bytes of body, keeps
	 * the connection open for writing, and reads the answer to its end (the server's
	 * close).
	 */
	private String declare(String method, String path, long declared) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
			// a guard against hanging the build, far below the idle timeout: not a claim
			// on time
			socket.setSoTimeout(15_000);
			String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
					+ "Content-Length: " + declared + "\r\n\r\n";
			socket.getOutputStream().write((head + "0123456789").getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			in.transferTo(answer);
			return answer.toString(StandardCharsets.UTF_8);
		}
	}

	private static JsonNode problem(String answer) {
		return JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
	}

	@Test
	void aPutDeclaringTenGigabytesIsRefusedWithoutItsBodyBeingRead() throws Exception {
		String answer = declare("POST", "/v1/queues/declared-huge/jobs", 10_000_000_000L);

		assertThat(answer).startsWith("HTTP/1.1 413 ")
			.containsIgnoringCase("Content-Type: application/problem+json")
			.containsIgnoringCase("Connection: close");
		JsonNode problem = problem(answer);
		assertThat(problem.path("type").asString()).isEqualTo("/problems/payload-too-large");
		assertThat(problem.path("status").asInt()).isEqualTo(413);
		assertThat(problem.path("limit").asString()).isEqualTo("dispatch.http.max-payload-size");
		assertThat(problem.path("maxBytes").asLong()).isEqualTo(256 * 1024);
		assertThat(problem.path("detail").asString())
			.isEqualTo("a job's payload may have at most 262144 bytes (dispatch.http.max-payload-size); this request"
					+ " declares 10000000000 (Content-Length), and none of it was read");
		assertThat(problem.path("instance").asString()).isEqualTo("/v1/queues/declared-huge/jobs");
		assertThat(this.registry.find("declared-huge")).as("nothing put, not even the queue").isEmpty();
	}

	@ParameterizedTest(name = "{0} {1}: {2}")
	@CsvSource(delimiter = '|',
			textBlock = """
					PUT  | /v1/queues/limits                     | settings-body                  | 16384   | a queue's settings may have at most 16384 bytes (a fixed limit, settings-body)
					POST | /v1/queues/limits/jobs                | dispatch.http.max-payload-size | 262144  | a job's payload may have at most 262144 bytes (dispatch.http.max-payload-size)
					POST | /v1/queues/limits/jobs/batch          | dispatch.http.max-batch-size   | 1048576 | a batch put's body may have at most 1048576 bytes (dispatch.http.max-batch-size)
					POST | /v1/queues/limits/leases?wait=0       | take-body                      | 16384   | a take's body (which must be empty) may have at most 16384 bytes (a fixed limit, take-body)
					POST | /v1/queues/limits/leases/settle       | settle-body                    | 65536   | a batch settle's body may have at most 65536 bytes (a fixed limit, settle-body)
					POST | /v1/queues/limits/leases/l-1/ack      | dispatch.http.max-batch-size   | 1048576 | a request body (no endpoint takes a larger one) may have at most 1048576 bytes (dispatch.http.max-batch-size)
					POST | /v1/queues/limits/close               | dispatch.http.max-batch-size   | 1048576 | a request body (no endpoint takes a larger one) may have at most 1048576 bytes
					""")
	void everyEndpointNamesTheLimitThatApplies(String method, String path, String limit, long bytes, String detail)
			throws Exception {
		this.registry.configure("limits", QueueConfig.DEFAULTS);

		String answer = declare(method, path, bytes + 1);

		assertThat(answer).startsWith("HTTP/1.1 413 ").containsIgnoringCase("Connection: close");
		JsonNode problem = problem(answer);
		assertThat(problem.path("limit").asString()).isEqualTo(limit);
		assertThat(problem.path("maxBytes").asLong()).isEqualTo(bytes);
		assertThat(problem.path("detail").asString()).startsWith(detail)
			.endsWith("this request declares " + (bytes + 1) + " (Content-Length), and none of it was read");
		assertThat(this.registry.find("limits").orElseThrow().snapshot().join().closed()).as("nothing was done")
			.isFalse();
	}

}
