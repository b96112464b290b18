package dev.dispatch.web.request;

import dev.dispatch.json.JsonValues;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.web.poll.HttpProperties;
import dev.dispatch.web.problem.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

/**
 * Reads a job's payload from a request: at most {@code dispatch.http.max-payload-size}
 * bytes, exactly one JSON value in UTF-8. The bytes are kept as sent; they are parsed
 * only to check them.
 */
@Component
public class PayloadReader {

	private final BodyLimit limit;

	PayloadReader(HttpProperties properties) {
		this.limit = BodyLimit.payload(properties);
	}

	public Payload read(HttpServletRequest request) {
		byte[] body = RequestBodies.read(request, this.limit);
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
