package dev.dispatch.web.problem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.net.URI;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * Jetty's own answers to requests it refuses before any servlet sees them (a bad URI
 * encoding such as {@code %2F} or {@code %00}, an ambiguous path, a too-long URI or
 * header, a bad HTTP version) as {@code application/problem+json}, like every other error
 * of the service, instead of Jetty's HTML page. Installed as the server's error handler.
 */
@Component
class ProblemErrorHandler extends ErrorHandler implements JettyServerCustomizer {

	/** A 400 of the web server's own, when it gives no reason. */
	static final String UNREADABLE = "the web server could not read the request: its path holds an escape it does not"
			+ " take (an encoded '/', '.', '\\', ';' or NUL byte, or a '%' not followed by two hex digits), its"
			+ " method is unknown, or its headers or framing are broken";

	@Override
	public void customize(org.eclipse.jetty.server.Server server) {
		server.setErrorHandler(this);
	}

	/**
	 * Every method gets its problem (Jetty's default writes a body for GET, POST, HEAD).
	 */
	@Override
	public boolean errorPageForMethod(String method) {
		return true;
	}

	@Override
	protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
			Callback callback) throws IOException {
		response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
		response.getHeaders().put("X-Content-Type-Options", "nosniff");
		response.write(true, ByteBuffer.wrap(problem(code, message, request.getHttpURI().getPath())), callback);
	}

	/** For requests the parser could not read at all (no request to speak of). */
	@Override
	public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
		fields.put(HttpHeader.CONTENT_TYPE, "application/problem+json");
		fields.put("X-Content-Type-Options", "nosniff");
		return ByteBuffer.wrap(problem(status, reason, null));
	}

	/** The fields of every other problem, in the same order. */
	private static byte[] problem(int code, String message, String path) {
		// 505: the client's HTTP version, not a fault of the server
		boolean serverFault = code >= 500 && code != HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505;
		String detail;
		if (serverFault) {
			detail = "the server failed to answer";
		}
		else if (message == null || message.isBlank() || message.equalsIgnoreCase(HttpStatus.getMessage(code))) {
			// Jetty said no more than the status: say what it refuses this early
			detail = (code == HttpStatus.BAD_REQUEST_400) ? UNREADABLE : HttpStatus.getMessage(code);
		}
		else {
			detail = message;
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(code), detail);
		problem.setTitle(HttpStatus.getMessage(code));
		problem.setType(URI.create(DispatchProblem.TYPE_PREFIX + (serverFault || code < 500
				? ProblemType.slugOf(HttpStatusCode.valueOf(code)) : "http-version-not-supported")));
		return ProblemJson.of(problem, path);
	}

}
