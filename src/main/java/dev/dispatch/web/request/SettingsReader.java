package dev.dispatch.web.request;

import java.util.List;

import dev.dispatch.json.JsonValues;
import dev.dispatch.web.problem.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a queue's settings ({@code PUT /v1/queues/{queue}}) strictly: at most
 * {@link BodyLimit#SETTINGS} of one JSON object; a field that is not a setting, one given
 * twice, or a value of the wrong type (a capacity of {@code 1.5} or {@code "5"}, a
 * dead-letter queue of {@code 5}) is refused with the field's name rather than ignored,
 * rounded or converted — a typo must not silently leave a setting as it was.
 */
public final class SettingsReader {

	private static final List<String> FIELDS = List.of("capacity", "leaseTimeout", "maxAttempts", "deadLetterQueue",
			"maxInFlight", "maxLeasesPerSecond", "maxInFlightPerGroup");

	/** Refuses an object that names a field twice: which of the two was meant? */
	private static final JsonMapper STRICT = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private SettingsReader() {
	}

	/** The settings sent, or all absent for an empty body. */
	public static QueueSettings read(HttpServletRequest request) {
		byte[] body = RequestBodies.read(request, BodyLimit.SETTINGS);
		if (body.length == 0) {
			return new QueueSettings(null, null, null, null, null, null, null);
		}
		JsonNode settings;
		try {
			// one JSON value in UTF-8, or a message that says what is wrong in words
			JsonValues.requireOne(body);
			settings = STRICT.readTree(JsonValues.requireUtf8(body));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequestException(ex.getMessage());
		}
		catch (JacksonException ex) {
			throw new InvalidRequestException(JsonValues.notValid(ex));
		}
		if (settings == null || !settings.isObject()) {
			throw new InvalidRequestException(
					"the body must be a JSON object of queue settings, such as {\"capacity\": 500}; the settings are "
							+ FIELDS);
		}
		for (String field : settings.propertyNames()) {
			if (!FIELDS.contains(field)) {
				throw new InvalidRequestException("'" + field + "' is not a queue setting; the settings are " + FIELDS);
			}
		}
		return new QueueSettings(whole(settings, "capacity"), duration(settings, "leaseTimeout"),
				whole(settings, "maxAttempts"), text(settings, "deadLetterQueue"), limit(settings, "maxInFlight"),
				limit(settings, "maxLeasesPerSecond"), limit(settings, "maxInFlightPerGroup"));
	}

	/** A whole number from 1 to 2147483647, or null when absent or null. */
	private static Integer whole(JsonNode settings, String field) {
		return number(settings, field, 1, "a whole number from 1 to " + Integer.MAX_VALUE);
	}

	/** A limit: 0 for none, or a whole number from 1; null when absent or null. */
	private static Integer limit(JsonNode settings, String field) {
		return number(settings, field, 0, "0 for no limit, or a whole number from 1 to " + Integer.MAX_VALUE);
	}

	/**
	 * A whole number from {@code least} to 2147483647, or null when absent or null;
	 * {@code allowed} says so in words.
	 */
	private static Integer number(JsonNode settings, String field, int least, String allowed) {
		JsonNode value = given(settings, field);
		if (value == null) {
			return null;
		}
		if (!value.isIntegralNumber()) {
			throw wrongType(field, allowed);
		}
		if (!value.canConvertToInt() || value.intValue() < least) {
			throw new InvalidRequestException("'" + field + "' must be " + allowed + "; got " + value);
		}
		return value.intValue();
	}

	/** A duration as text ("30s"), or a number of seconds: 30 is "30". */
	private static String duration(JsonNode settings, String field) {
		JsonNode value = given(settings, field);
		if (value == null) {
			return null;
		}
		if (value.isString()) {
			return value.stringValue();
		}
		if (value.isNumber() && Double.isFinite(value.doubleValue())) {
			return value.decimalValue().toPlainString();
		}
		throw wrongType(field, "a duration such as \"30s\" or a number of seconds");
	}

	private static String text(JsonNode settings, String field) {
		JsonNode value = given(settings, field);
		if (value == null) {
			return null;
		}
		if (!value.isString()) {
			throw wrongType(field, "a string");
		}
		return value.stringValue();
	}

	/** The field's value, or null when it is absent or null (it keeps its setting). */
	private static JsonNode given(JsonNode settings, String field) {
		JsonNode value = settings.get(field);
		return (value == null || value.isNull()) ? null : value;
	}

	private static InvalidRequestException wrongType(String field, String expected) {
		return new InvalidRequestException("'" + field + "' has a value of the wrong type: " + expected);
	}

}
