package dev.dispatch.web.openapi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.dispatch.queue.QueueNames;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.tags.Tag;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's frame (served at {@code /v3/api-docs}, with Swagger UI): title,
 * version, description and tags. The endpoints describe themselves with annotations,
 * their bodies in {@link ApiSchemas}, their problems through {@link ProblemDocs};
 * {@code OpenApiContractTest} holds the document to what the service answers.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	private static final String DESCRIPTION = """
			A job-dispatch service: producers put jobs into bounded, closeable queues; consumers \
			long-poll for them, then ack, nack or extend their leases (at-least-once delivery).

			- A put on a full queue, a take on an empty one and a join wait up to `wait` \
			(default 20s, at most 60s) without holding a thread; `wait=0` never waits.
			- Payloads are any JSON value, kept byte for byte.
			- Times are ISO-8601 instants in UTC with three digits of milliseconds \
			(`2026-11-30T12:00:00.120Z`).
			- Durations in query parameters: `500ms`, `30s`, `2m`, `1h`, ISO-8601 (`PT30S`) or a number \
			of seconds; an empty value counts as absent.
			- A query parameter an endpoint does not take is refused (400), never ignored.
			- Errors are RFC 9457 `application/problem+json` with a stable `type` (`/problems/<slug>`); \
			every 429 and 503 carries `Retry-After`.
			""";

	@Bean
	OpenAPI dispatchOpenApi(ObjectProvider<BuildProperties> build) {
		// from build-info, which the Maven build writes; some IDE runs have none
		String version = build.stream().map(BuildProperties::getVersion).findFirst().orElse("unknown");
		Tag queues = new Tag().name("queues").description("Create, change, inspect, close, join and delete queues");
		Tag jobs = new Tag().name("jobs").description("Producers: put jobs");
		Tag leases = new Tag().name("leases")
			.description("Consumers: take jobs, then ack, nack or extend their leases");
		// the security scheme, when credentials are needed, comes from the security layer
		return new OpenAPI().info(new Info().title("Dispatch").version(version).description(DESCRIPTION))
			.tags(List.of(queues, jobs, leases))
			.components(new Components());
	}

	/**
	 * What annotations cannot say: the payload's schema (no type at all), and the path
	 * parameters every endpoint shares, described once.
	 */
	@Bean
	OpenApiCustomizer sharedDocs() {
		return (api) -> {
			api.getComponents().addSchemas("Payload", payloadSchema());
			api.getPaths()
				.values()
				.stream()
				.flatMap((path) -> path.readOperations().stream())
				.filter((operation) -> operation.getParameters() != null)
				.flatMap((operation) -> operation.getParameters().stream())
				.filter((parameter) -> "path".equals(parameter.getIn()))
				.forEach(OpenApiConfiguration::describePathParameter);
		};
	}

	private static Schema<?> payloadSchema() {
		Map<String, String> example = new LinkedHashMap<>();
		example.put("to", "ada@example.org");
		example.put("template", "welcome");
		Schema<?> payload = new Schema<>();
		payload.description("A job's payload, exactly as it was put: any JSON value (object, array, string,"
				+ " number, boolean or null).");
		payload.example(example);
		return payload;
	}

	/**
	 * Describes the queue, lease and job ids; OpenApiContractTest finds any other left
	 * bare.
	 */
	private static void describePathParameter(Parameter parameter) {
		if ("queue".equals(parameter.getName())) {
			parameter
				.description("the queue's name: 1 to " + QueueNames.MAX_LENGTH
						+ " letters, digits, '.', '_' or '-', not only dots")
				.schema(new StringSchema().pattern("^" + QueueNames.PATTERN + "$"))
				.example("emails");
		}
		else if ("leaseId".equals(parameter.getName())) {
			parameter.description("the lease id a take handed out")
				.schema(new StringSchema())
				.example("Xk3vQ9b1T2uYw8rZ0pLmNg");
		}
		else if ("id".equals(parameter.getName())) {
			parameter.description("the job's id, as the put answered it")
				.schema(new StringSchema())
				.example("0193a5c2-7d1e-7c3b-9f2a-5b8e4d1c2a10");
		}
	}

}
