package dev.dispatch.web;

import java.io.IOException;
import java.io.InputStream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.dispatch.config.HttpProperties;
import dev.dispatch.json.JsonValues;
import dev.dispatch.queue.Payload;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

/**
 * Reads a job's payload from a request: at most {@code dispatch.http.max-payload-size}
 * bytes, exactly one JSON value in UTF-8. The bytes are kept as sent; they are parsed
 * only to check them.
 */
@Component
class PayloadReader {

	private static final Log log = LogFactory.getLog(PayloadReader.class);

	private final int limit;

	PayloadReader(HttpProperties properties) {
		this.limit = (int) properties.maxPayloadSize().toBytes();
	}

	Payload read(HttpServletRequest request) {
		if (request.getContentLengthLong() > this.limit) {
			throw DispatchProblem.payloadTooLarge(this.limit);
		}
		byte[] body;
		try (InputStream in = request.getInputStream()) {
			body = in.readNBytes(this.limit + 1);
		}
		catch (IOException ex) {
			// the body ended before its Content-Length, a chunk was malformed, or the
			// client went away: the client's doing, not the service's
			log.debug("A put's body could not be read", ex);
			throw new InvalidRequestException("the request body could not be read to its end: " + ex.getMessage());
		}
		if (body.length > this.limit) {
			throw DispatchProblem.payloadTooLarge(this.limit);
		}
		check(body);
		return Payload.of(body);
	}

	private static void check(byte[] body) {
		try {
			JsonValues.requireOne(body);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequestException(ex.getMessage());
		}
	}

}
