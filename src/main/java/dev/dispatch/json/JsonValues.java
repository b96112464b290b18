package dev.dispatch.json;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/** Checks that bytes hold exactly one JSON value, as every job payload must. */
public final class JsonValues {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private JsonValues() {
	}

	/**
	 * Checks {@code bytes} without keeping what it parses.
	 * @throws IllegalArgumentException saying what is wrong
	 */
	public static void requireOne(byte[] bytes) {
		try (JsonParser parser = JSON.createParser(bytes)) {
			if (parser.nextToken() == null) {
				throw new IllegalArgumentException(
						"the body must be a JSON value (object, array, string, number…); it is empty");
			}
			parser.skipChildren();
			if (parser.nextToken() != null) {
				throw new IllegalArgumentException("the body must be one JSON value; more follows it");
			}
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("the body is not valid JSON: " + ex.getOriginalMessage());
		}
	}

}
