package dev.dispatch.web.openapi;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served OpenAPI document tells the truth: real requests over a socket, covering
 * every documented operation and each of its success answers, and the answers, are
 * checked against the document by an OpenAPI validator (status, declared headers, bodies
 * against their schemas). A request the document calls invalid must be refused too. An
 * operation, or a success answer, that the document lists and this test does not exercise
 * fails the test: a new endpoint needs a case here.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "dispatch.auto-create=false", "dispatch.http.max-payload-size=1KB" })
class OpenApiContractTest {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String EMAIL = "{\"to\": \"ada@example.org\", \"template\": \"welcome\"}";

	@LocalServerPort
	int port;

	private JsonNode document;

	private OpenApiInteractionValidator validator;

	/**
	 * "METHOD path template" of each operation exercised, with the statuses it answered.
	 */
	private final Map<String, Set<Integer>> exercised = new TreeMap<>();

	@BeforeEach
	void fetchTheDocument() throws Exception {
		HttpResponse<String> served = http.send(HttpRequest.newBuilder(uri("/v3/api-docs")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(served.statusCode()).isEqualTo(200);
		this.document = json.readTree(served.body());
		// every finding is an error, an unexpected query parameter included
		this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(served.body())
			.withLevelResolver(LevelResolver.create().withDefaultLevel(ValidationReport.Level.ERROR).build())
			.build();
	}

	@Test
	void everyOperationAnswersAsTheDocumentSays() throws Exception {
		queuesAreCreatedChangedAndInspected();
		jobsArePut();
		leasesAreTakenAndSettled();
		queuesAreClosedAndDeleted();
		assertThat(this.exercised.keySet()).as("operations exercised")
			.containsExactlyInAnyOrderElementsOf(documentedOperations().keySet());
		documentedOperations()
			.forEach((operation, successes) -> assertThat(this.exercised.get(operation)).as("answers of %s", operation)
				.containsAll(successes));
	}

	private void queuesAreCreatedChangedAndInspected() throws Exception {
		call("PUT", "/v1/queues/{queue}", "work")
			.body("{\"capacity\": 2, \"leaseTimeout\": \"30s\", \"maxAttempts\": 2}")
			.answers(201);
		call("PUT", "/v1/queues/{queue}", "work").body("{\"capacity\": 3, \"leaseTimeout\": 45}").answers(200);
		call("PUT", "/v1/queues/{queue}", "spare").body("{}").answers(201);
		call("PUT", "/v1/queues/{queue}", "work").body("{\"capacty\": 5}").breaksTheDocument().answers(400);
		call("PUT", "/v1/queues/{queue}", "work").body("{\"capacity\": 0}").breaksTheDocument().answers(400);
		call("GET", "/v1/queues").answers(200);
		call("GET", "/v1/queues/{queue}", "work").answers(200);
		call("GET", "/v1/queues/{queue}", "nowhere").answers(404);
		call("GET", "/v1/queues/{queue}/history", "work").answers(200);
		call("GET", "/v1/queues/{queue}/history", "nowhere").answers(404);
	}

	private void jobsArePut() throws Exception {
		String put = "/v1/queues/{queue}/jobs";
		call("POST", put, "work").query("wait", "0").header("Idempotency-Key", "order-42").body(EMAIL).answers(201);
		call("POST", put, "work").query("wait", "0").header("Idempotency-Key", "order-42").body(EMAIL).answers(200);
		call("POST", put, "work").body("[1, 2]").answers(201);
		call("POST", put, "work").query("wait", "1.5").body("\"a string\"").answers(201);
		call("POST", put, "work").query("wait", "0").body("42").answers(429);
		call("POST", put, "work").query("wait", "soon").body("42").answers(400);
		call("POST", put, "work").query("priority", "0").body("42").breaksTheDocument().answers(400);
		call("POST", put, "work").query("urgency", "1").body("42").breaksTheDocument().answers(400);
		call("PUT", "/v1/queues/{queue}", "lanes").body("{}").answers(201);
		call("POST", put, "lanes").query("priority", "9").query("group", "tenant-1").body("42").answers(201);
		call("POST", put, "work").body("\"" + "x".repeat(2000) + "\"").answers(413);
		call("POST", put, "nowhere").body("42").answers(404);
		call("POST", put, "spare").body("null").answers(201);
		call("POST", put, "spare").query("delay", "1h").body("{\"later\": true}").answers(201);
		call("POST", put, "spare").query("delay", "-1s").body("1").answers(400);
		String batch = "/v1/queues/{queue}/jobs/batch";
		call("POST", batch, "spare").query("wait", "0")
			.body("[{\"payload\": " + EMAIL + ", \"idempotencyKey\": \"batch-1\"},"
					+ " {\"payload\": [1], \"delay\": \"1h\"}]")
			.answers(201);
		call("POST", batch, "spare").body("[{\"payload\": 1, \"idempotencyKey\": \"batch-1\"}]").answers(200);
		call("POST", batch, "lanes").body("[{\"payload\": 1, \"priority\": 2, \"group\": \"tenant-2\"}]").answers(201);
		call("POST", batch, "lanes").body("[{\"payload\": 1, \"priority\": 0}]").breaksTheDocument().answers(400);
		call("POST", batch, "spare").body("[]").breaksTheDocument().answers(400);
		call("POST", batch, "spare").body("[{\"payload\": 1, \"extra\": 2}]").breaksTheDocument().answers(400);
		call("POST", batch, "work").query("wait", "0").body("[{\"payload\": 1}]").answers(429);
		call("POST", batch, "nowhere").body("[{\"payload\": 1}]").answers(404);
		String spare = call("POST", put, "spare").body("[1, 2]").answers(201).get("id").asString();
		call("GET", "/v1/queues/{queue}/jobs/{id}", "spare", spare).answers(200);
		call("GET", put, "spare").query("state", "delayed").query("limit", "1").answers(200);
		call("GET", put, "spare").query("limit", "0").breaksTheDocument().answers(400);
		call("GET", put, "nowhere").answers(404);
		call("GET", "/v1/queues/{queue}/jobs/{id}", "spare", "0193a5c2-7d1e-7c3b-9f2a-5b8e4d1c2a10").answers(404);
		call("GET", "/v1/queues/{queue}/jobs/{id}", "nowhere", spare).answers(404);
	}

	private void leasesAreTakenAndSettled() throws Exception {
		String take = "/v1/queues/{queue}/leases";
		JsonNode taken = call("POST", take, "work").query("max", "2")
			.query("lease", "1m")
			.query("wait", "0")
			.answers(200);
		String first = taken.get(0).get("leaseId").asString();
		String second = taken.get(1).get("leaseId").asString();
		call("POST", "/v1/queues/{queue}/leases/{leaseId}/ack", "work", first).answers(204);
		call("POST", "/v1/queues/{queue}/leases/{leaseId}/ack", "work", first).answers(410);
		call("POST", "/v1/queues/{queue}/leases/{leaseId}/extend", "work", second).query("by", "2m").answers(200);
		String settle = "/v1/queues/{queue}/leases/settle";
		JsonNode settled = call("POST", settle, "work")
			.body("[{\"lease\": \"" + second + "\", \"action\": \"extend\", \"by\": \"2m\"}," + " {\"lease\": \""
					+ first + "\", \"action\": \"ack\"}]")
			.answers(200);
		assertThat(settled.get("results").get(1).get("outcome").asString()).isEqualTo("lease-expired");
		call("POST", settle, "work").body("[]").breaksTheDocument().answers(400);
		call("POST", settle, "work").body("[{\"lease\": \"x\", \"action\": \"drop\"}]")
			.breaksTheDocument()
			.answers(400);
		call("POST", settle, "nowhere").body("[{\"lease\": \"x\", \"action\": \"ack\"}]").answers(404);
		call("POST", "/v1/queues/{queue}/leases/{leaseId}/nack", "work", second).query("delay", "0").answers(204);
		call("POST", "/v1/queues/{queue}/leases/{leaseId}/nack", "work", second).answers(410);
		String third = call("POST", take, "work").query("wait", "0").answers(200).get(0).get("leaseId").asString();
		call("POST", "/v1/queues/{queue}/leases/{leaseId}/release", "work", third).answers(204);
		call("POST", "/v1/queues/{queue}/leases/{leaseId}/release", "work", third).answers(410);
		call("POST", "/v1/queues/{queue}/leases/{leaseId}/extend", "work", second).answers(410);
		call("POST", "/v1/queues/{queue}/leases/{leaseId}/ack", "nowhere", second).answers(404);
		JsonNode autoAcked = call("POST", take, "work").query("ack", "auto").query("wait", "0").answers(200);
		assertThat(autoAcked.get(0).get("leaseId").isNull()).as("ack=auto: no lease").isTrue();
		call("GET", "/v1/queues/{queue}/join", "work").query("wait", "0").answers(202);
		// the last job fails its two attempts and moves to the dead-letter queue
		for (int attempt = 1; attempt <= 2; attempt++) {
			String lease = call("POST", take, "work").query("wait", "0").answers(200).get(0).get("leaseId").asString();
			call("POST", "/v1/queues/{queue}/leases/{leaseId}/nack", "work", lease).answers(204);
		}
		JsonNode deadLettered = call("POST", take, "work.dead").query("wait", "0").query("ack", "auto").answers(200);
		assertThat(deadLettered.get(0).has("deadLetter")).isTrue();
		call("GET", "/v1/queues/{queue}/join", "work").query("wait", "0").answers(204);
		call("POST", take, "work").query("wait", "0").answers(204);
		call("POST", take, "work").query("max", "0").breaksTheDocument().answers(400);
		call("POST", take, "nowhere").query("wait", "0").answers(404);
	}

	private void queuesAreClosedAndDeleted() throws Exception {
		call("POST", "/v1/queues/{queue}/pause", "work").answers(200);
		call("POST", "/v1/queues/{queue}/resume", "work").answers(200);
		call("POST", "/v1/queues/{queue}/pause", "nowhere").answers(404);
		call("POST", "/v1/queues/{queue}/redrive", "work.dead").query("max", "5").answers(200);
		call("POST", "/v1/queues/{queue}/redrive", "work.dead").query("max", "0").breaksTheDocument().answers(400);
		call("POST", "/v1/queues/{queue}/redrive", "nowhere").answers(404);
		call("POST", "/v1/queues/{queue}/purge", "work.dead").answers(200);
		call("POST", "/v1/queues/{queue}/purge", "nowhere").answers(404);
		call("POST", "/v1/queues/{queue}/resume", "nowhere").answers(404);
		call("POST", "/v1/queues/{queue}/close", "work").answers(200);
		call("POST", "/v1/queues/{queue}/jobs", "work").query("wait", "0").body("42").answers(409);
		call("POST", "/v1/queues/{queue}/leases", "work").query("wait", "0").answers(410);
		JsonNode purged = call("POST", "/v1/queues/{queue}/close", "spare").query("immediate", "true").answers(200);
		assertThat(purged.get("purged").asInt()).as("three ready jobs and two delayed ones").isEqualTo(5);
		call("POST", "/v1/queues/{queue}/close", "nowhere").answers(404);
		call("GET", "/v1/queues/{queue}/join", "nowhere").query("wait", "0").answers(404);
		call("DELETE", "/v1/queues/{queue}", "work").answers(204);
		call("DELETE", "/v1/queues/{queue}", "work").answers(404);
		for (String queue : new String[] { "spare", "spare.dead", "work.dead" }) {
			call("DELETE", "/v1/queues/{queue}", queue).query("discard", "true").answers(204);
		}
	}

	/**
	 * "METHOD path template" of every documented operation, with its success statuses.
	 */
	private Map<String, Set<Integer>> documentedOperations() {
		Map<String, Set<Integer>> operations = new TreeMap<>();
		this.document.path("paths").properties().forEach((path) -> path.getValue().properties().forEach((method) -> {
			Set<Integer> successes = method.getValue()
				.path("responses")
				.propertyNames()
				.stream()
				.filter((status) -> status.startsWith("2"))
				.map(Integer::valueOf)
				.collect(Collectors.toCollection(TreeSet::new));
			operations.put(method.getKey().toUpperCase() + " " + path.getKey(), successes);
		}));
		return operations;
	}

	private Call call(String method, String template, String... pathValues) {
		return new Call(method, template, pathValues);
	}

	private URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.port + pathAndQuery);
	}

	/** One request to an operation, sent and checked by {@link #answers}. */
	private final class Call {

		private final String method;

		private final String template;

		private final String path;

		private final Map<String, String> query = new LinkedHashMap<>();

		private final Map<String, String> headers = new LinkedHashMap<>();

		private String body;

		private boolean breaksTheDocument;

		Call(String method, String template, String... pathValues) {
			this.method = method;
			this.template = template;
			String path = template;
			for (String value : pathValues) {
				path = path.replaceFirst("\\{[^}]+}", value);
			}
			this.path = path;
		}

		Call query(String name, String value) {
			this.query.put(name, value);
			return this;
		}

		Call header(String name, String value) {
			this.headers.put(name, value);
			return this;
		}

		Call body(String body) {
			this.body = body;
			return this;
		}

		/** The document says this request is invalid: the validator must find it so. */
		Call breaksTheDocument() {
			this.breaksTheDocument = true;
			return this;
		}

		/**
		 * Sends the request, expects {@code status}, and checks request and answer
		 * against the document.
		 * @return the answer's JSON body, or a missing node if it has none
		 */
		JsonNode answers(int status) throws Exception {
			String queryString = this.query.entrySet()
				.stream()
				.map((parameter) -> parameter.getKey() + "="
						+ URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8))
				.collect(Collectors.joining("&"));
			HttpRequest.Builder request = HttpRequest
				.newBuilder(uri(this.path + (queryString.isEmpty() ? "" : "?" + queryString)))
				.timeout(Duration.ofSeconds(30))
				.method(this.method, (this.body != null) ? HttpRequest.BodyPublishers.ofString(this.body)
						: HttpRequest.BodyPublishers.noBody());
			this.headers.forEach(request::header);
			if (this.body != null) {
				request.header("Content-Type", "application/json");
			}
			HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			String exchange = this.method + " " + this.path + "?" + queryString + " -> " + response.statusCode() + " "
					+ response.body();
			assertThat(response.statusCode()).as(exchange).isEqualTo(status);

			SimpleRequest.Builder asked = new SimpleRequest.Builder(this.method, this.path);
			this.query.forEach(asked::withQueryParam);
			this.headers.forEach(asked::withHeader);
			if (this.body != null) {
				asked.withContentType("application/json").withBody(this.body);
			}
			SimpleResponse.Builder answered = new SimpleResponse.Builder(response.statusCode());
			response.headers().map().forEach(answered::withHeader);
			if (!response.body().isEmpty()) {
				answered.withBody(response.body());
			}
			SimpleRequest sent = asked.build();
			SimpleResponse received = answered.build();
			if (this.breaksTheDocument) {
				assertThat(this.validator().validateRequest(sent).hasErrors())
					.as("the document lets pass a request the service refuses: %s", exchange)
					.isTrue();
				assertValid(this.validator().validateResponse(this.path, Request.Method.valueOf(this.method), received),
						exchange);
			}
			else {
				assertValid(this.validator().validate(sent, received), exchange);
			}
			OpenApiContractTest.this.exercised
				.computeIfAbsent(this.method + " " + this.template, (key) -> new TreeSet<>())
				.add(response.statusCode());
			return response.body().isEmpty() ? MissingNode.getInstance() : json.readTree(response.body());
		}

		private OpenApiInteractionValidator validator() {
			return OpenApiContractTest.this.validator;
		}

		private static void assertValid(ValidationReport report, String exchange) {
			assertThat(report.hasErrors())
				.as("%s%n%s", exchange, SimpleValidationReportFormat.getInstance().apply(report))
				.isFalse();
		}

	}

}
