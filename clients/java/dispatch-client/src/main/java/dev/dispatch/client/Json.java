package dev.dispatch.client;

import tools.jackson.databind.JsonNode;

/** Reading the service's answers. */
final class Json {

	private Json() {
	}

	/** The field's text; null when it is absent or JSON null. */
	static String text(JsonNode object, String field) {
		JsonNode value = object.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

}
