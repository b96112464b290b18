package dev.dispatch.web.request;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that send what the service must refuse, over a raw socket with the exact bytes:
 * payloads that are not UTF-8 JSON, bodies that end early or are malformed, and queue
 * settings with typos, wrong types or no end. Each is a 4xx problem; none reaches a
 * consumer, none is a 500 or an ERROR in the log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTest {

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	/** Sends the request bytes as they are, half-closes, and reads the whole answer. */
	private String exchange(byte[] request) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
			socket.setSoTimeout(15_000);
			socket.getOutputStream().write(request);
			socket.getOutputStream().flush();
			socket.shutdownOutput();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			in.transferTo(answer);
			return answer.toString(StandardCharsets.UTF_8);
		}
	}

	private static byte[] request(String method, String path, String extraHeaders, byte[] body) {
		String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
				+ "Connection: close\r\n" + extraHeaders + "Content-Length: " + body.length + "\r\n\r\n";
		return concat(head.getBytes(StandardCharsets.US_ASCII), body);
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = new byte[first.length + second.length];
		System.arraycopy(first, 0, both, 0, first.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	private String put(String queue, byte[] payload) throws IOException {
		return exchange(request("POST", "/v1/queues/" + queue + "/jobs", "", payload));
	}

	private String takeAll(String queue) throws IOException {
		return exchange(request("POST", "/v1/queues/" + queue + "/leases?wait=0&max=10&ack=auto", "", new byte[0]));
	}

	/** A chunked body of {@code count} 8 KiB chunks, and its last chunk. */
	private static String chunks(int count) {
		String chunk = "x".repeat(8192);
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < count; i++) {
			body.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
		}
		return body.append("0\r\n\r\n").toString();
	}

	private static void assertProblem(String answer, int status, String detail) {
		assertThat(answer).startsWith("HTTP/1.1 " + status)
			.containsIgnoringCase("Content-Type: application/problem+json")
			.contains(detail);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE" })
	void aPayloadInAnotherEncodingThanUtf8IsRefused(String encoding) throws Exception {
		String queue = "encoding-" + encoding.toLowerCase();
		this.registry.configure(queue, QueueConfig.DEFAULTS);
		// "UTF-16" writes a byte-order mark; the others do not
		byte[] payload = "{\"n\": 1}".getBytes(Charset.forName(encoding));

		assertProblem(put(queue, payload), 400, "UTF-8");
		assertThat(takeAll(queue)).startsWith("HTTP/1.1 204");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "efbbbf7b7d", // UTF-8 with a byte-order mark
			"22eda08022", // "\uD800" encoded as UTF-8 bytes (a lone surrogate)
			"22c0af22", // an overlong "/"
			"22ff22", // a byte UTF-8 never has
			"22e282" // a sequence cut short
	})
	void aPayloadThatIsNotValidUtf8IsRefused(String hex) throws Exception {
		String queue = "bad-utf8-" + hex.substring(0, 6);
		this.registry.configure(queue, QueueConfig.DEFAULTS);

		assertProblem(put(queue, HexFormat.of().parseHex(hex)), 400, "UTF-8");
		assertThat(takeAll(queue)).startsWith("HTTP/1.1 204");
	}

	@Test
	void aUtf8PayloadBesideRefusedOnesIsDeliveredByteForByteInValidJson() throws Exception {
		String queue = "good-utf8";
		this.registry.configure(queue, QueueConfig.DEFAULTS);
		String text = "{\"greeting\":\"héllo ✓ 😀\"}";
		assertThat(put(queue, "{\"n\": 1}".getBytes(StandardCharsets.UTF_16))).startsWith("HTTP/1.1 400");
		assertThat(put(queue, text.getBytes(StandardCharsets.UTF_8))).startsWith("HTTP/1.1 201");

		String taken = takeAll(queue);

		assertThat(taken).startsWith("HTTP/1.1 200").contains("\"payload\":" + text);
	}

	@Test
	void aBodyThatEndsBeforeItsContentLengthIsAClientError(CapturedOutput output) throws Exception {
		this.registry.configure("short-body", QueueConfig.DEFAULTS);
		byte[] head = ("POST /v1/queues/short-body/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				+ "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);

		String answer = exchange(concat(head, "{\"n\":".getBytes(StandardCharsets.US_ASCII)));

		assertThat(answer).doesNotContain("HTTP/1.1 5");
		assertThat(takeAll("short-body")).startsWith("HTTP/1.1 204");
		assertThat(output.getAll()).doesNotContain(" ERROR ");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "a bad chunk size", "a body cut off mid-chunk" })
	void aMalformedOrCutOffChunkedBodyIsAClientError(String what, CapturedOutput output) throws Exception {
		String queue = "chunks-" + what.length();
		this.registry.configure(queue, QueueConfig.DEFAULTS);
		String chunks = what.startsWith("a bad") ? "zz\r\n{}\r\n0\r\n\r\n" : "10\r\n{\"n\":";
		byte[] request = ("POST /v1/queues/" + queue + "/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				+ "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
			.getBytes(StandardCharsets.US_ASCII);

		String answer = exchange(request);

		assertThat(answer).doesNotContain("HTTP/1.1 5");
		if (what.startsWith("a bad")) {
			assertThat(answer).startsWith("HTTP/1.1 400");
		}
		assertThat(takeAll(queue)).startsWith("HTTP/1.1 204");
		assertThat(output.getAll()).doesNotContain(" ERROR ");
	}

	@Test
	void aSettingThatIsNotOneIsRefusedByName() throws Exception {
		String answer = exchange(
				request("PUT", "/v1/queues/typo", "", "{\"capacty\": 5}".getBytes(StandardCharsets.UTF_8)));

		assertProblem(answer, 400, "'capacty' is not a queue setting");
		assertThat(this.registry.find("typo")).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "{\"capacity\": 1.5}", "{\"capacity\": \"5\"}", "{\"maxAttempts\": true}",
			"{\"leaseTimeout\": [30]}" })
	void aSettingOfTheWrongTypeIsRefusedByName(String settings) throws Exception {
		String field = settings.substring(2, settings.indexOf('"', 2));

		String answer = exchange(
				request("PUT", "/v1/queues/wrong-type", "", settings.getBytes(StandardCharsets.UTF_8)));

		assertProblem(answer, 400, "'" + field + "' has a value of the wrong type");
		assertThat(this.registry.find("wrong-type")).isEmpty();
	}

	@Test
	void settingsLargerThanTheLimitAreRefusedBeforeTheyAreRead() throws Exception {
		byte[] head = ("PUT /v1/queues/huge HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
				+ "Connection: close\r\nContent-Length: 30000000\r\n\r\n{\"capacity\": 5, \"x\": \"")
			.getBytes(StandardCharsets.US_ASCII);

		assertProblem(exchange(head), 413,
				"a queue's settings may have at most 16384 bytes (a fixed limit, settings-body)");
		assertThat(this.registry.find("huge")).isEmpty();
	}

	@Test
	void chunkedSettingsLargerThanTheLimitAreRefused() throws Exception {
		byte[] request = ("PUT /v1/queues/huge-chunked HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				+ "Content-Type: application/json\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
				+ chunks(4))
			.getBytes(StandardCharsets.US_ASCII);

		assertProblem(exchange(request), 413,
				"a queue's settings may have at most 16384 bytes (a fixed limit, settings-body)");
	}

	@Test
	void wellFormedSettingsStillCreateTheQueue() throws Exception {
		String answer = exchange(request("PUT", "/v1/queues/well-formed", "",
				"{\"capacity\": 5, \"leaseTimeout\": \"10s\", \"maxAttempts\": 2}".getBytes(StandardCharsets.UTF_8)));

		assertThat(answer).startsWith("HTTP/1.1 201").contains("\"capacity\":5").contains("\"maxAttempts\":2");
		assertThat(exchange(request("PUT", "/v1/queues/well-formed", "", new byte[0]))).startsWith("HTTP/1.1 200")
			.contains("\"capacity\":5");
	}

	@Test
	void theErrorPathIsNotAnEndpoint() throws Exception {
		for (String method : new String[] { "GET", "POST" }) {
			String answer = exchange(request(method, "/error", "", new byte[0]));
			assertProblem(answer, 404, "no endpoint at /error");
		}
	}

	@Test
	void traceIsRefusedAndEchoesNothing() throws Exception {
		String answer = exchange(request("TRACE", "/v1/queues", "X-Api-Key: secret-key\r\n", new byte[0]));

		assertProblem(answer, 405, "TRACE is not served");
		assertThat(answer).doesNotContain("secret-key");
	}

	@Test
	void apiAnswersAreNeitherSniffedNorCached() throws Exception {
		this.registry.configure("headers", QueueConfig.DEFAULTS);
		for (String answer : new String[] { exchange(request("GET", "/v1/queues/headers", "", new byte[0])),
				exchange(request("GET", "/v1/queues/no-such-queue", "", new byte[0])),
				put("headers", "1".getBytes()) }) {
			assertThat(answer).containsIgnoringCase("X-Content-Type-Options: nosniff")
				.containsIgnoringCase("Cache-Control: no-store");
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/v1/queues/./jobs", "/v1/queues/../jobs", "/v1/queues/a;b/jobs",
			"/v1/queues/a;jsessionid=1/jobs" })
	void namesThatAreNotNamesAreRefused(String path) throws Exception {
		String answer = exchange(request("POST", path, "", "1".getBytes(StandardCharsets.UTF_8)));

		assertThat(answer).matches("(?s)HTTP/1.1 4\\d\\d .*").containsIgnoringCase("application/problem+json");
		assertThat(this.registry.list()).extracting(JobQueue::name).doesNotContain(".", "..", "a", "jobs", "queues");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "POST /v1/queues/params/jobs?ttl=5s", "POST /v1/queues/params/jobs?wait=1s&urgency=1",
			"POST /v1/queues/params/leases?wait=0&timeout=5", "GET /v1/queues/params?verbose=1",
			"POST /v1/queues/params/close?force=true" })
	void aQueryParameterTheEndpointDoesNotTakeIsRefusedByName(String call) throws Exception {
		this.registry.configure("params", QueueConfig.DEFAULTS);
		String[] parts = call.split(" ");
		String name = parts[1].replaceAll(".*[?&]([a-z]+)=[^&]*$", "$1");

		String answer = exchange(request(parts[0], parts[1], "", "1".getBytes(StandardCharsets.UTF_8)));

		assertProblem(answer, 400, "unknown query parameter '" + name + "'");
		assertThat(this.registry.require("params").snapshot().join().size()).isZero();
		assertThat(this.registry.require("params").snapshot().join().closed()).isFalse();
	}

	@Test
	void theParametersAnEndpointTakesStillWork() throws Exception {
		this.registry.configure("known-params", QueueConfig.DEFAULTS);
		assertThat(exchange(request("POST", "/v1/queues/known-params/jobs?wait=1s&delay=0", "", "1".getBytes())))
			.startsWith("HTTP/1.1 201");
		assertThat(exchange(
				request("POST", "/v1/queues/known-params/leases?wait=0&max=2&lease=5s&ack=auto", "", new byte[0])))
			.startsWith("HTTP/1.1 200");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "GET /v1/queues/a%2Fb HTTP/1.1", "GET /v1/queues/a%00b HTTP/1.1",
			"GET /v1/queues/a%5Cb HTTP/1.1", "GET /v1/queues/%E0%80%AF HTTP/1.1", "GET /v1/queues/%zz HTTP/1.1",
			"GET /v1/queues HTTP/7.3", "GET /v1/queues/x/../../etc HTTP/1.1" })
	void requestsJettyRefusesAreAnsweredAsProblems(String requestLine) throws Exception {
		String answer = exchange(
				(requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));

		// a client error; 505 for the HTTP version
		assertThat(answer).matches("(?s)HTTP/1.1 (4\\d\\d|505) .*")
			.containsIgnoringCase("Content-Type: application/problem+json")
			.doesNotContainIgnoringCase("<html")
			.as("a reason, not the status again")
			.doesNotContain("\"detail\":\"Bad Request\"");
	}

	@Test
	void aTooLongUriOrHeaderIsAnsweredAsAProblem() throws Exception {
		String longUri = "GET /v1/queues/" + "q".repeat(20_000)
				+ " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
		String longHeader = "GET /v1/queues HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "h".repeat(20_000)
				+ "\r\nConnection: close\r\n\r\n";
		for (String request : new String[] { longUri, longHeader }) {
			String answer = exchange(request.getBytes(StandardCharsets.US_ASCII));
			assertThat(answer).matches("(?s)HTTP/1.1 4\\d\\d .*")
				.containsIgnoringCase("Content-Type: application/problem+json")
				.doesNotContainIgnoringCase("<html");
		}
	}

	@Test
	void aTakeWithALargeBodyIsRefused() throws Exception {
		this.registry.configure("take-body", QueueConfig.DEFAULTS);
		byte[] head = ("POST /v1/queues/take-body/leases?wait=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				+ "Connection: close\r\nContent-Length: 50000000\r\n\r\nxxxx")
			.getBytes(StandardCharsets.US_ASCII);

		assertProblem(exchange(head), 413, "a take's body (which must be empty) may have at most 16384 bytes");

		byte[] request = ("POST /v1/queues/take-body/leases?wait=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				+ "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks(40))
			.getBytes(StandardCharsets.US_ASCII);
		assertProblem(exchange(request), 413, "a take's body (which must be empty) may have at most 16384 bytes");
	}

}
