package dev.dispatch.web.request;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

import dev.dispatch.web.problem.DispatchProblem;
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
	 * The body, at most {@code limit} bytes.
	 * @param tooLarge the problem for a larger body (made only then: a problem is an
	 * exception, costly to make on every request)
	 */
	static byte[] read(HttpServletRequest request, int limit, Supplier<DispatchProblem> tooLarge) {
		if (request.getContentLengthLong() > limit) {
			throw tooLarge.get();
		}
		byte[] body;
		try {
			InputStream in = request.getInputStream();
			body = in.readNBytes(limit + 1);
		}
		catch (IOException ex) {
			log.debug("A request body could not be read", ex);
			throw new InvalidRequestException("the request body could not be read to its end: " + ex.getMessage());
		}
		if (body.length > limit) {
			throw tooLarge.get();
		}
		return body;
	}

}
