package dev.dispatch.web;

import java.util.List;

import dev.dispatch.json.JsonValues;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads a queue's settings ({@code PUT /v1/queues/{queue}}) strictly: at most
 * {@value #LIMIT} bytes; a field that is not a setting, or a value of the wrong type (a
 * capacity of {@code 1.5} or {@code "5"}), is refused with the field's name rather than
 * ignored or rounded — a typo must not silently leave a setting as it was.
 */
final class SettingsReader {

	/** The most a settings body may hold, in bytes (a few dozen are typical). */
	static final int LIMIT = 16 * 1024;

	private static final List<String> FIELDS = List.of("capacity", "leaseTimeout", "maxAttempts", "deadLetterQueue");

	private static final JsonMapper STRICT = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
		.withCoercionConfig(LogicalType.Integer,
				(coercion) -> coercion.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		// a number for a text setting stays accepted: "leaseTimeout": 30 is 30 seconds
		.build();

	private SettingsReader() {
	}

	/** The settings sent, or all absent for an empty body. */
	static Views.QueueSettings read(HttpServletRequest request) {
		byte[] body = RequestBodies.read(request, LIMIT, SettingsReader::tooLarge);
		if (body.length == 0) {
			return new Views.QueueSettings(null, null, null, null);
		}
		try {
			Views.QueueSettings settings = STRICT.readValue(body, Views.QueueSettings.class);
			return (settings != null) ? settings : new Views.QueueSettings(null, null, null, null);
		}
		catch (UnrecognizedPropertyException ex) {
			throw new InvalidRequestException(
					"'" + ex.getPropertyName() + "' is not a queue setting; the settings are " + FIELDS);
		}
		catch (JacksonException ex) {
			String field = ex.getPath().isEmpty() ? null : ex.getPath().getLast().getPropertyName();
			throw new InvalidRequestException(
					(field != null) ? "'" + field + "' has a value of the wrong type: " + expected(field)
							: "the body must be a JSON object of queue settings; " + JsonValues.notValid(ex));
		}
	}

	private static String expected(String field) {
		return switch (field) {
			case "capacity", "maxAttempts" -> "a whole number";
			case "leaseTimeout" -> "a duration such as \"30s\" or a number of seconds";
			default -> "a string";
		};
	}

	private static DispatchProblem tooLarge() {
		return new DispatchProblem(ProblemType.PAYLOAD_TOO_LARGE,
				"a queue's settings may have at most " + LIMIT + " bytes");
	}

}
