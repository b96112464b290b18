package dev.dispatch.web.poll;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.QueueSnapshot;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that go away while their request is parked, over raw sockets: the parked
 * operation is withdrawn at once, and in races with hand-offs every job still reaches
 * exactly one live reader or stays in the queue — none is held by a dead request beyond
 * its lease.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ClientDisconnectTest {

	private static final Pattern PAYLOAD = Pattern.compile("\"payload\":\"([^\"]+)\"");

	private static final Pattern LEASE = Pattern.compile("\"leaseId\":\"([^\"]+)\"");

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	/** Opens a connection and sends one request on it, without reading the answer. */
	private Socket send(String method, String path, String body) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
		socket.setSoTimeout(15_000);
		byte[] content = body.getBytes(StandardCharsets.UTF_8);
		String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + content.length + "\r\n\r\n";
		socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().write(content);
		socket.getOutputStream().flush();
		return socket;
	}

	/** Everything the server sends until it closes the connection. */
	private static String readToEnd(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		try {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("the server neither answered nor closed the connection", ex);
		}
	}

	/** The status line and headers of the next answer, up to the blank line. */
	private static String readHead(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		StringBuilder head = new StringBuilder();
		while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
			int next = in.read();
			if (next < 0) {
				throw new AssertionError("the connection closed after: " + head);
			}
			head.append((char) next);
		}
		return head.toString();
	}

	private HttpResponse<String> request(String method, String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.method(method, HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private QueueSnapshot state(String queue) {
		return this.registry.require(queue).snapshot().join();
	}

	@Test
	void aParkedTakeWhoseClientLeavesIsWithdrawnAtOnce() throws Exception {
		this.registry.configure("gone-take", QueueConfig.DEFAULTS);
		Socket client = send("POST", "/v1/queues/gone-take/leases?wait=60s", "");
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state("gone-take").waitingTakers() == 1);

		client.close();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> state("gone-take").waitingTakers() == 0);

		assertThat(request("POST", "/v1/queues/gone-take/jobs", "\"kept\"").statusCode()).isEqualTo(201);
		QueueSnapshot after = state("gone-take");
		assertThat(after.size()).isEqualTo(1);
		assertThat(after.inFlight()).isZero();
	}

	@Test
	void aParkedPutWhoseClientLeavesIsNeverAccepted() throws Exception {
		this.registry.configure("gone-put", QueueConfig.DEFAULTS.withCapacity(1));
		assertThat(request("POST", "/v1/queues/gone-put/jobs", "\"first\"").statusCode()).isEqualTo(201);
		Socket client = send("POST", "/v1/queues/gone-put/jobs?wait=60s", "\"withdrawn\"");
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state("gone-put").waitingPutters() == 1);

		client.close();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> state("gone-put").waitingPutters() == 0);

		HttpResponse<String> taken = request("POST", "/v1/queues/gone-put/leases?ack=auto&wait=0", "");
		assertThat(taken.body()).contains("\"first\"");
		assertThat(state("gone-put").size()).isZero();
	}

	@Test
	void aTakeWhoseBodyArrivesLateStillWaitsItsWholeWait() throws Exception {
		this.registry.configure("late-body", QueueConfig.DEFAULTS);
		try (Socket client = new Socket()) {
			client.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
			client.setSoTimeout(15_000);
			String head = "POST /v1/queues/late-body/leases?wait=1s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					+ "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n";
			long started = System.nanoTime();
			client.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
			Thread.sleep(300);
			client.getOutputStream().write("{}".getBytes(StandardCharsets.US_ASCII));

			String answer = readToEnd(client);

			assertThat(answer).startsWith("HTTP/1.1 204");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		}
	}

	@Test
	void aConnectionKeptAliveServesTheNextRequestAfterALongPoll() throws Exception {
		this.registry.configure("keep-alive", QueueConfig.DEFAULTS);
		try (Socket client = send("POST", "/v1/queues/keep-alive/leases?wait=200ms", "")) {
			// the long poll's answer first (a 204 is headers only), then the next request
			assertThat(readHead(client)).startsWith("HTTP/1.1 204");
			String next = "GET /v1/queues/keep-alive HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
			client.getOutputStream().write(next.getBytes(StandardCharsets.US_ASCII));
			String answer = readToEnd(client);
			assertThat(answer).startsWith("HTTP/1.1 200").contains("\"name\":\"keep-alive\"");
		}
	}

	@Test
	void aRequestPipelinedBehindAParkedTakeAnswersItAndIsServedNext() throws Exception {
		this.registry.configure("pipelined", QueueConfig.DEFAULTS);
		try (Socket client = send("POST", "/v1/queues/pipelined/leases?wait=60s", "")) {
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state("pipelined").waitingTakers() == 1);
			long started = System.nanoTime();
			String next = "GET /v1/queues/pipelined HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
			client.getOutputStream().write(next.getBytes(StandardCharsets.US_ASCII));

			String answers = readToEnd(client);

			assertThat(answers).startsWith("HTTP/1.1 204");
			assertThat(answers.indexOf("HTTP/1.1 200")).isPositive();
			assertThat(answers).contains("\"name\":\"pipelined\"");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
		}
		assertThat(state("pipelined").waitingTakers()).isZero();
	}

	/**
	 * Parked takes on keep-alive connections, each answered by a put sent on another
	 * connection while the other connections' requests keep Jetty's selector busy: every
	 * take receives its job. Jetty may report a parked connection readable when the bytes
	 * were read by another thread (the take itself, read at once after the previous
	 * answer); such a report must not cut the take short.
	 */
	@Test
	void parkedTakesOnBusyKeepAliveConnectionsAreNotCutShort() throws Exception {
		String queue = "busy-keep-alive";
		this.registry.configure(queue, QueueConfig.DEFAULTS);
		int takers = 4;
		int rounds = 150;
		ExecutorService pool = Executors.newFixedThreadPool(takers);
		try {
			List<Future<Integer>> cutShort = new ArrayList<>();
			for (int t = 0; t < takers; t++) {
				cutShort.add(pool.submit(() -> takeRounds(queue, rounds)));
			}
			int total = 0;
			for (Future<Integer> one : cutShort) {
				total += one.get(120, TimeUnit.SECONDS);
			}
			assertThat(total).as("takes answered 204 before their wait").isZero();
		}
		finally {
			pool.shutdownNow();
		}
	}

	/**
	 * One taker's rounds on one keep-alive connection: parks a take, has a put sent on a
	 * second connection, reads the take's answer. Answers how many takes came back empty.
	 */
	private int takeRounds(String queue, int rounds) throws IOException {
		int empty = 0;
		try (Socket taker = new Socket(); Socket putter = new Socket()) {
			for (Socket socket : List.of(taker, putter)) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
				socket.setSoTimeout(30_000);
				socket.setTcpNoDelay(true);
			}
			for (int i = 0; i < rounds; i++) {
				write(taker, "POST /v1/queues/" + queue + "/leases?wait=20s&ack=auto", "");
				write(putter, "POST /v1/queues/" + queue + "/jobs", "\"job\"");
				if (readAnswer(taker).startsWith("HTTP/1.1 204")) {
					empty++;
					write(taker, "POST /v1/queues/" + queue + "/leases?wait=5s&ack=auto", "");
					assertThat(readAnswer(taker)).startsWith("HTTP/1.1 200");
				}
				assertThat(readAnswer(putter)).startsWith("HTTP/1.1 201");
			}
		}
		return empty;
	}

	private static void write(Socket socket, String requestLine, String body) throws IOException {
		byte[] content = body.getBytes(StandardCharsets.UTF_8);
		String head = requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + content.length + "\r\n\r\n";
		socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().write(content);
		socket.getOutputStream().flush();
	}

	/** One whole answer (head and a Content-Length or chunked body), as text. */
	private static String readAnswer(Socket socket) throws IOException {
		String head = readHead(socket);
		InputStream in = socket.getInputStream();
		Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
		if (length.find()) {
			return head + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
		}
		if (!head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
			return head;
		}
		StringBuilder body = new StringBuilder();
		while (true) {
			int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
			body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
			readLine(in);
			if (size == 0) {
				return head + body;
			}
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int next;
		while ((next = in.read()) != '\n') {
			if (next < 0) {
				throw new AssertionError("the connection closed mid-answer");
			}
			if (next != '\r') {
				line.append((char) next);
			}
		}
		return line.toString();
	}

	/**
	 * Auto-ack takers that stop sending (half-close) at random moments while producers
	 * put: each still reads whatever answer it gets, so every job can be accounted for.
	 * Each accepted job was read exactly once, by them or by the consumer that drains the
	 * queue afterwards.
	 */
	@Test
	void autoAckTakersThatHangUpRacingHandOffsLoseNoJob() throws Exception {
		String queue = "hang-up-auto";
		this.registry.configure(queue, QueueConfig.DEFAULTS.withCapacity(8));
		ConcurrentLinkedQueue<String> read = new ConcurrentLinkedQueue<>();
		Set<String> accepted = race(queue, "ack=auto", (socket) -> {
			socket.shutdownOutput();
			collectPayloads(readToEnd(socket), read);
		});
		drain(queue, read);

		assertThat(read).doesNotHaveDuplicates();
		assertThat(Set.copyOf(read)).isEqualTo(accepted);
	}

	/**
	 * Leased takers that vanish (close without reading) at random moments while producers
	 * put: a job handed to one comes back when the dead request is noticed or, at the
	 * latest, when its one-second lease ends. A live consumer then receives every
	 * accepted job exactly once.
	 */
	@Test
	void leasedTakersThatVanishRacingHandOffsHoldNoJobBeyondTheLease() throws Exception {
		String queue = "hang-up-leased";
		this.registry.configure(queue, new QueueConfig(8, Duration.ofSeconds(1), 1_000, null));
		Set<String> accepted = race(queue, "lease=1s", Socket::close);
		ConcurrentLinkedQueue<String> read = new ConcurrentLinkedQueue<>();
		drain(queue, read);

		assertThat(read).doesNotHaveDuplicates();
		assertThat(Set.copyOf(read)).isEqualTo(accepted);
		assertThat(state(queue).unfinished()).isZero();
	}

	@FunctionalInterface
	private interface HangUp {

		void on(Socket socket) throws IOException;

	}

	/**
	 * Two producers put 150 jobs each while four takers keep parking takes and hanging up
	 * after 0–3 ms; then the queue is closed. Answers the jobs accepted.
	 */
	private Set<String> race(String queue, String takeOptions, HangUp hangUp) throws Exception {
		Set<String> accepted = ConcurrentHashMap.newKeySet();
		AtomicBoolean producing = new AtomicBoolean(true);
		ExecutorService threads = Executors.newFixedThreadPool(6);
		try {
			List<Future<?>> producers = new ArrayList<>();
			for (int p = 0; p < 2; p++) {
				int producer = p;
				producers.add(threads.submit(() -> {
					for (int i = 0; i < 150; i++) {
						String job = "job-" + producer + "-" + i;
						int status = request("POST", "/v1/queues/" + queue + "/jobs?wait=10s", "\"" + job + "\"")
							.statusCode();
						assertThat(status).isEqualTo(201);
						accepted.add(job);
					}
					return null;
				}));
			}
			List<Future<?>> takers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				SplittableRandom random = new SplittableRandom(t);
				takers.add(threads.submit(() -> {
					while (producing.get()) {
						try (Socket socket = send("POST", "/v1/queues/" + queue + "/leases?wait=5s&" + takeOptions,
								"")) {
							Thread.sleep(random.nextInt(4));
							hangUp.on(socket);
						}
					}
					return null;
				}));
			}
			for (Future<?> producer : producers) {
				producer.get(60, TimeUnit.SECONDS);
			}
			producing.set(false);
			for (Future<?> taker : takers) {
				taker.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		this.registry.require(queue).close(CloseMode.GRACEFUL).join();
		return accepted;
	}

	/** Takes and acks until the queue answers 410, collecting the payloads. */
	private void drain(String queue, ConcurrentLinkedQueue<String> read) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline) {
			HttpResponse<String> taken = request("POST", "/v1/queues/" + queue + "/leases?wait=2s&max=10", "");
			if (taken.statusCode() == 410) {
				return;
			}
			if (taken.statusCode() == 200) {
				collectPayloads(taken.body(), read);
				Matcher lease = LEASE.matcher(taken.body());
				while (lease.find()) {
					assertThat(request("POST", "/v1/queues/" + queue + "/leases/" + lease.group(1) + "/ack", "")
						.statusCode()).isEqualTo(204);
				}
			}
		}
		throw new AssertionError("the queue did not drain: " + state(queue));
	}

	private static void collectPayloads(String answer, ConcurrentLinkedQueue<String> into) {
		Matcher payload = PAYLOAD.matcher(answer);
		while (payload.find()) {
			into.add(payload.group(1));
		}
	}

}
