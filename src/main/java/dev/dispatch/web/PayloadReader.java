package dev.dispatch.web;

import java.io.IOException;
import java.io.InputStream;

import dev.dispatch.config.HttpProperties;
import dev.dispatch.queue.Payload;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Reads a job's payload from a request: at most {@code dispatch.http.max-payload-size}
 * bytes, exactly one JSON value in UTF-8. The bytes are kept as sent; they are parsed
 * only to check them.
 */
@Component
class PayloadReader {

	private final JsonMapper json = JsonMapper.builder().build();

	private final int limit;

	PayloadReader(HttpProperties properties) {
		this.limit = (int) properties.maxPayloadSize().toBytes();
	}

	Payload read(HttpServletRequest request) throws IOException {
		if (request.getContentLengthLong() > this.limit) {
			throw DispatchProblem.payloadTooLarge(this.limit);
		}
		byte[] body;
		try (InputStream in = request.getInputStream()) {
			body = in.readNBytes(this.limit + 1);
		}
		if (body.length > this.limit) {
			throw DispatchProblem.payloadTooLarge(this.limit);
		}
		check(body);
		return Payload.of(body);
	}

	private void check(byte[] body) {
		try (JsonParser parser = this.json.createParser(body)) {
			JsonToken first = parser.nextToken();
			if (first == null) {
				throw new InvalidRequestException(
						"the body must be a JSON value (object, array, string, number…); it is empty");
			}
			parser.skipChildren();
			if (parser.nextToken() != null) {
				throw new InvalidRequestException("the body must be one JSON value; more follows it");
			}
		}
		catch (JacksonException ex) {
			throw new InvalidRequestException("the body is not valid JSON: " + ex.getOriginalMessage());
		}
	}

}
