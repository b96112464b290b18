package dev.dispatch.web.openapi;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document lists every endpoint, each described, and Swagger UI is served.
 * That the document tells the truth is {@link OpenApiContractTest}'s part.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	ObjectProvider<BuildProperties> build;

	private HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void theApiDocumentNamesEveryEndpoint() throws Exception {
		HttpResponse<String> document = get("/v3/api-docs");
		assertThat(document.statusCode()).isEqualTo(200);
		assertThat(document.body()).contains("\"/v1/queues\"", "\"/v1/queues/{queue}\"", "\"/v1/queues/{queue}/jobs\"",
				"\"/v1/queues/{queue}/leases\"", "\"/v1/queues/{queue}/leases/{leaseId}/ack\"",
				"\"/v1/queues/{queue}/leases/{leaseId}/nack\"", "\"/v1/queues/{queue}/leases/{leaseId}/extend\"",
				"\"/v1/queues/{queue}/leases/{leaseId}/release\"", "\"/v1/queues/{queue}/close\"",
				"\"/v1/queues/{queue}/pause\"", "\"/v1/queues/{queue}/purge\"", "\"/v1/queues/{queue}/redrive\"",
				"\"/v1/queues/{queue}/resume\"", "\"/v1/queues/{queue}/join\"");
		assertThat(document.body()).as("the put's wait parameter").contains("how long to wait for room");
	}

	@Test
	void anOpenServiceDocumentsNoCredentialSoSwaggerUiShowsNoPadlocks() throws Exception {
		JsonNode document = JsonMapper.builder().build().readTree(get("/v3/api-docs").body());
		assertThat(document.path("components").has("securitySchemes")).isFalse();
		assertThat(document.has("security")).isFalse();
		assertThat(document.findValues("security")).as("no operation asks for one either").isEmpty();
	}

	@Test
	void everyEndpointDocumentsItsProblems() throws Exception {
		JsonNode paths = JsonMapper.builder().build().readTree(get("/v3/api-docs").body()).path("paths");
		JsonNode put = paths.path("/v1/queues/{queue}/jobs").path("post").path("responses");
		assertThat(put.path("429").path("description").asString()).contains("/problems/queue-full");
		assertThat(put.path("429").path("headers").has("Retry-After")).isTrue();
		assertThat(put.path("503").path("description").asString()).contains("/problems/storage-full",
				"/problems/too-many-waiters", "/problems/server-draining", "/problems/backend-unavailable");
		assertThat(put.path("503").path("headers").has("Retry-After")).isTrue();
		assertThat(put.path("503").path("content").has("application/problem+json")).isTrue();
		assertThat(put.path("409").path("description").asString()).contains("/problems/queue-closed");
		assertThat(put.path("413").path("description").asString()).contains("/problems/payload-too-large")
			.doesNotContain("/problems/batch-beyond-capacity");
		JsonNode batch = paths.path("/v1/queues/{queue}/jobs/batch").path("post").path("responses");
		assertThat(batch.path("413").path("description").asString()).contains("/problems/payload-too-large",
				"/problems/batch-beyond-capacity");
		assertThat(put.path("400").path("description").asString()).contains("/problems/invalid-request");
		JsonNode take = paths.path("/v1/queues/{queue}/leases").path("post").path("responses");
		assertThat(take.path("410").path("description").asString()).contains("/problems/queue-drained");
		JsonNode ack = paths.path("/v1/queues/{queue}/leases/{leaseId}/ack").path("post").path("responses");
		assertThat(ack.path("410").path("description").asString()).contains("/problems/lease-expired");
		assertThat(ack.path("503").path("description").asString())
			.as("an ack never waits: only an unreachable backend answers it 503")
			.contains("/problems/backend-unavailable")
			.doesNotContain("/problems/too-many-waiters", "/problems/server-draining");
	}

	@Test
	void theDocumentNamesTheServiceAndItsVersion() throws Exception {
		JsonNode info = document().path("info");
		assertThat(info.path("title").asString()).isEqualTo("Dispatch");
		assertThat(info.path("version").asString())
			.isEqualTo(this.build.stream().map(BuildProperties::getVersion).findFirst().orElse("unknown"));
		assertThat(info.path("description").asString()).contains("long-poll", "application/problem+json");
	}

	@Test
	void onlyTheApiIsDocumented() throws Exception {
		assertThat(document().path("paths").propertyNames()).allSatisfy((path) -> assertThat(path).startsWith("/v1/"));
	}

	@Test
	void everyOperationIsTaggedByResourceAndSummarised() throws Exception {
		Set<String> tags = new TreeSet<>();
		forEachOperation((name, operation) -> {
			assertThat(operation.path("operationId").asString()).as(name).isNotEmpty();
			assertThat(operation.path("summary").asString()).as(name).isNotEmpty();
			assertThat(operation.path("tags")).as(name).hasSize(1);
			tags.add(operation.path("tags").get(0).asString());
		});
		assertThat(tags).containsExactly("jobs", "leases", "queues");
	}

	@Test
	void everyParameterIsTypedAndDescribed() throws Exception {
		forEachOperation((name, operation) -> operation.path("parameters").forEach((parameter) -> {
			String what = name + " " + parameter.path("name").asString();
			assertThat(parameter.path("description").asString()).as(what).isNotEmpty();
			assertThat(parameter.path("schema").path("type").asString()).as(what).isNotEmpty();
		}));
	}

	@Test
	void everySuccessWithABodyNamesItsSchema() throws Exception {
		forEachOperation((name, operation) -> operation.path("responses").properties().forEach((response) -> {
			if (response.getKey().startsWith("2")) {
				response.getValue().path("content").forEach((media) -> {
					JsonNode schema = media.path("schema");
					JsonNode named = schema.path("type").asString().equals("array") ? schema.path("items") : schema;
					assertThat(named.path("$ref").asString()).as(name + " " + response.getKey()).isNotEmpty();
				});
			}
		}));
	}

	@Test
	void aPutDocumentsItsPayload() throws Exception {
		JsonNode body = document().path("paths").path("/v1/queues/{queue}/jobs").path("post").path("requestBody");
		assertThat(body.path("required").asBoolean()).isTrue();
		JsonNode json = body.path("content").path("application/json");
		assertThat(json.path("schema").path("$ref").asString()).isEqualTo("#/components/schemas/Payload");
		assertThat(json.path("examples")).isNotEmpty();
		JsonNode payload = document().path("components").path("schemas").path("Payload");
		assertThat(payload.has("type")).as("any JSON value: no type").isFalse();
	}

	private JsonNode document() throws Exception {
		return JsonMapper.builder().build().readTree(get("/v3/api-docs").body());
	}

	private void forEachOperation(OperationCheck check) throws Exception {
		JsonNode paths = document().path("paths");
		for (String path : paths.propertyNames()) {
			for (String method : paths.path(path).propertyNames()) {
				check.check(method.toUpperCase() + " " + path, paths.path(path).path(method));
			}
		}
	}

	@FunctionalInterface
	private interface OperationCheck {

		void check(String name, JsonNode operation);

	}

	@Test
	void swaggerUiIsServed() throws Exception {
		assertThat(get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
	}

}
