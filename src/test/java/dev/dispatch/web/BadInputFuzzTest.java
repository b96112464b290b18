package dev.dispatch.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded fuzzer over every endpoint, over raw sockets: requests built from valid and
 * broken parts (methods, names, encodings, query parameters, bodies, headers, lying
 * lengths). Whatever is sent, the answer is never a 5xx, every 4xx is
 * {@code application/problem+json}, and afterwards the queues hold only jobs whose put
 * was answered 201 or 200. Bounded: a fixed number of requests per seed, each with a
 * short wait.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"dispatch.http.max-payload-size=4KB", "dispatch.http.default-wait=100ms", "dispatch.http.max-wait=200ms" })
class BadInputFuzzTest {

	private static final int REQUESTS = 400;

	private static final Pattern STATUS = Pattern.compile("^HTTP/1.1 (\\d{3}) ");

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3 })
	void noInputMakesTheServiceFailOrKeepARefusedJob(long seed) throws Exception {
		SplittableRandom random = new SplittableRandom(seed);
		Set<String> accepted = new HashSet<>();
		List<String> anomalies = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			Fuzzed request = fuzz(random, seed, i);
			String answer = exchange(request.bytes());
			Matcher status = STATUS.matcher(answer);
			if (!status.find()) {
				// the server may close on a request it cannot parse at all; never hang
				continue;
			}
			int code = Integer.parseInt(status.group(1));
			if (code >= 500) {
				anomalies.add(code + " for " + request.summary() + ": " + firstLines(answer));
			}
			else if (code >= 400 && !answer.toLowerCase().contains("content-type: application/problem+json")) {
				anomalies.add(code + " without a problem for " + request.summary() + ": " + firstLines(answer));
			}
			else if (request.put() && (code == 201 || code == 200) && request.marker() != null) {
				accepted.add(request.marker());
			}
		}
		assertThat(anomalies).isEmpty();
		for (JobQueue queue : this.registry.list()) {
			if (!queue.name().startsWith("fz" + seed)) {
				continue;
			}
			TakeOutcome taken;
			do {
				taken = queue.take(new TakeOptions(100, Duration.ZERO, null, true)).join();
				if (taken instanceof TakeOutcome.Delivered delivered) {
					delivered.deliveries()
						.forEach((job) -> assertThat(marker(job.payload().asString())).as("a stored job's payload")
							.isIn(accepted));
				}
			}
			while (taken instanceof TakeOutcome.Delivered);
		}
	}

	private record Fuzzed(byte[] bytes, String summary, boolean put, String marker) {
	}

	private Fuzzed fuzz(SplittableRandom random, long seed, int i) {
		String queue = pick(random, "fz" + seed + "-a", "fz" + seed + "-b", "fz" + seed + "-" + "x".repeat(130),
				"fz" + seed + "-%2e%2e", "fz" + seed + "-%ff", "fz" + seed + "-a b", "fz" + seed + "-ü",
				"fz" + seed + "-a.dead");
		String lease = pick(random, "nosuchlease", "%00", "x".repeat(300), "01a22c97-3730-7eb5-958a-a930f3d9d946");
		String[][] endpoints = { { "POST", "/v1/queues/" + queue + "/jobs" },
				{ "POST", "/v1/queues/" + queue + "/leases" },
				{ "POST", "/v1/queues/" + queue + "/leases/" + lease + "/ack" },
				{ "POST", "/v1/queues/" + queue + "/leases/" + lease + "/nack" },
				{ "POST", "/v1/queues/" + queue + "/leases/" + lease + "/extend" }, { "PUT", "/v1/queues/" + queue },
				{ "GET", "/v1/queues/" + queue }, { "GET", "/v1/queues" }, { "POST", "/v1/queues/" + queue + "/close" },
				{ "GET", "/v1/queues/" + queue + "/join" }, { "DELETE", "/v1/queues/" + queue } };
		String[] endpoint = endpoints[random.nextInt(endpoints.length)];
		String method = (random.nextInt(10) == 0) ? pick(random, "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
				: endpoint[0];
		StringBuilder query = new StringBuilder();
		int params = random.nextInt(3);
		for (int p = 0; p < params; p++) {
			query.append((p == 0) ? '?' : '&')
				.append(pick(random, "wait", "max", "lease", "ack", "delay", "by", "immediate", "priority", "wait"))
				.append('=')
				.append(pick(random, "0", "0.1", "100ms", "-1", "1e9", "PT0.1S", "abc", "", "auto", "manual", "true",
						"101", "0x10", "%00", "99999999999999999999"));
		}
		String marker = "m" + seed + "-" + i;
		byte[] body = switch (random.nextInt(9)) {
			case 0 -> new byte[0];
			case 1 -> ("{\"marker\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8);
			case 2 -> ("{\"marker\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_16);
			case 3 -> randomBytes(random, 1 + random.nextInt(64));
			case 4 -> ("\"" + marker + "\" trailing").getBytes(StandardCharsets.UTF_8);
			case 5 -> ("{\"capacity\": " + pick(random, "5", "1.5", "\"5\"", "-1", "0", "1e10", "null") + ", \""
					+ pick(random, "leaseTimeout", "maxAttempts", "capacty", "deadLetterQueue") + "\": "
					+ pick(random, "\"10s\"", "3", "\"x\"", "[]", "{}") + "}")
				.getBytes(StandardCharsets.UTF_8);
			case 6 -> ("\"" + marker + "\"" + " ".repeat(5000)).getBytes(StandardCharsets.UTF_8);
			case 7 -> ("[\"" + marker + "\"," + "[".repeat(2000)).getBytes(StandardCharsets.UTF_8);
			default -> ("\"" + marker + "\"").getBytes(StandardCharsets.UTF_8);
		};
		StringBuilder head = new StringBuilder(method).append(' ')
			.append(endpoint[1])
			.append(query)
			.append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
		switch (random.nextInt(5)) {
			case 0 -> head.append("Content-Type: application/json\r\n");
			case 1 -> head.append("Content-Type: application/x-www-form-urlencoded\r\n");
			case 2 -> head.append("Content-Type: text/plain; charset=utf-16\r\n");
			default -> {
			}
		}
		if (random.nextInt(6) == 0) {
			head.append("Idempotency-Key: ").append(pick(random, marker, "", "k".repeat(300), "ü")).append("\r\n");
		}
		int length = switch (random.nextInt(8)) {
			case 0 -> body.length + 1 + random.nextInt(10); // lies: more than sent
			case 1 -> Math.max(0, body.length - 1); // lies: less than sent
			default -> body.length;
		};
		head.append("Content-Length: ").append(length).append("\r\n\r\n");
		byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
		byte[] bytes = new byte[start.length + body.length];
		System.arraycopy(start, 0, bytes, 0, start.length);
		System.arraycopy(body, 0, bytes, start.length, body.length);
		boolean put = method.equals("POST") && endpoint[1].endsWith("/jobs");
		String summary = method + " " + endpoint[1] + query + " with " + body.length + " bytes (Content-Length "
				+ length + ")";
		return new Fuzzed(bytes, summary, put, marker(new String(body, StandardCharsets.UTF_8)));
	}

	/** The marker a payload carries, if any. */
	private static String marker(String payload) {
		Matcher found = Pattern.compile("m\\d+-\\d+").matcher(payload);
		return found.find() ? found.group() : null;
	}

	private static byte[] randomBytes(SplittableRandom random, int count) {
		byte[] bytes = new byte[count];
		random.nextBytes(bytes);
		return bytes;
	}

	@SafeVarargs
	private static <T> T pick(SplittableRandom random, T... choices) {
		return choices[random.nextInt(choices.length)];
	}

	private String exchange(byte[] request) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
			socket.setSoTimeout(10_000);
			try {
				socket.getOutputStream().write(request);
				socket.shutdownOutput();
			}
			catch (IOException refused) {
				// the server answered and closed before taking every byte
			}
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			try {
				socket.getInputStream().transferTo(answer);
			}
			catch (IOException reset) {
				// a reset after the answer
			}
			return answer.toString(StandardCharsets.UTF_8);
		}
	}

	private static String firstLines(String answer) {
		return answer.lines().limit(12).reduce((a, b) -> a + " | " + b).orElse("");
	}

}
