package dev.dispatch.web.openapi;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.dispatch.web.problem.ProblemType;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;

import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;

/**
 * Adds each endpoint's problem answers to the OpenAPI document, grouped by status, as RFC
 * 9457 {@code application/problem+json} bodies (one {@code Problem} schema); 429s and
 * 503s carry {@code Retry-After}.
 */
@Component
class ProblemDocs implements OperationCustomizer, OpenApiCustomizer {

	/** Problems any endpoint may answer with. */
	private static final Set<ProblemType> EVERYWHERE = EnumSet.of(ProblemType.INVALID_REQUEST,
			ProblemType.INTERNAL_ERROR, ProblemType.BACKEND_UNAVAILABLE, ProblemType.UNAUTHORIZED,
			ProblemType.FORBIDDEN);

	private static final String PROBLEM = "Problem";

	@Override
	public void customise(OpenAPI api) {
		api.getComponents().addSchemas(PROBLEM, problemSchema());
	}

	@Override
	public Operation customize(Operation operation, HandlerMethod handler) {
		Set<ProblemType> types = EnumSet.copyOf(EVERYWHERE);
		Problems declared = handler.getMethodAnnotation(Problems.class);
		if (declared != null) {
			types.addAll(Set.of(declared.value()));
		}
		Map<Integer, Set<ProblemType>> byStatus = types.stream()
			.collect(Collectors.groupingBy((type) -> type.status().value(), TreeMap::new, Collectors.toSet()));
		ApiResponses responses = (operation.getResponses() != null) ? operation.getResponses() : new ApiResponses();
		byStatus.forEach((status, ofStatus) -> responses.addApiResponse(Integer.toString(status), response(ofStatus)));
		return operation.responses(responses);
	}

	private static ApiResponse response(Set<ProblemType> types) {
		String description = types.stream()
			.sorted()
			.map((type) -> "`/problems/" + type.slug() + "`: " + type.when())
			.collect(Collectors.joining("; "));
		ApiResponse response = new ApiResponse().description(description)
			.content(new Content().addMediaType("application/problem+json",
					new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
		int status = types.iterator().next().status().value();
		if (status == 503 || status == 429) {
			response.addHeaderObject("Retry-After",
					new Header().description("seconds to wait before trying again")
						.required(true)
						.schema(new IntegerSchema()));
		}
		return response;
	}

	private static ObjectSchema problemSchema() {
		ObjectSchema schema = new ObjectSchema();
		schema.description("RFC 9457 problem details");
		schema.addProperty("type", new StringSchema().description("stable problem type, /problems/<slug>"));
		schema.addProperty("title", new StringSchema());
		schema.addProperty("status", new IntegerSchema());
		schema.addProperty("detail", new StringSchema().description("for people; not to be parsed"));
		schema.addProperty("instance", new StringSchema().description("the request's path"));
		schema.addProperty("limit", new StringSchema()
			.description("payload-too-large only: the limit that applied, a setting"
					+ " (dispatch.http.max-payload-size, dispatch.http.max-batch-size) or a fixed limit (settle-body,"
					+ " settings-body, take-body)"));
		schema.addProperty("maxBytes",
				new IntegerSchema().format("int64").description("payload-too-large only: the limit's value, in bytes"));
		schema.required(List.of("type", "title", "status"));
		return schema;
	}

}
