package dev.dispatch.web.request;

import java.io.IOException;
import java.io.InputStream;
import dev.dispatch.web.problem.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reads a request's body with a limit, the one way every endpoint that reads a body does:
 * a {@code Content-Length} over the limit is refused before anything is read, a body that
 * turns out longer (chunked) once the limit is passed, and a body that cannot be read to
 * its end (it ended early, a chunk was malformed, the client went away) is the client's
 * error, logged at debug.
 */
final class RequestBodies {

	private static final Log log = LogFactory.getLog(RequestBodies.class);

	private RequestBodies() {
	}

	/**
	 * The body, at most {@code limit}'s bytes; a larger one is refused with the limit's
	 * name and value. ({@link BodyLimits} refuses a {@code Content-Length} over the limit
	 * before the body is loaded; the check here is for requests that reach the servlet
	 * some other way, such as a test's mock request.)
	 */
	static byte[] read(HttpServletRequest request, BodyLimit limit) {
		if (request.getContentLengthLong() > limit.bytes()) {
			throw limit.tooLarge();
		}
		byte[] body;
		try {
			InputStream in = request.getInputStream();
			body = in.readNBytes(Math.toIntExact(limit.bytes() + 1));
		}
		catch (IOException ex) {
			log.debug("A request body could not be read", ex);
			throw new InvalidRequestException("the request body could not be read to its end: " + ex.getMessage());
		}
		if (body.length > limit.bytes()) {
			throw limit.tooLarge();
		}
		return body;
	}

}
