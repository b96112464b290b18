package dev.dispatch.web.problem;

import java.net.URI;
import java.util.concurrent.CompletionException;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.QueueNotFoundException;
import dev.dispatch.queue.TooManyQueuesException;
import dev.dispatch.web.poll.HttpProperties;
import dev.dispatch.web.poll.ServerDrainingException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.http.HttpException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every error into an RFC 9457 problem with a stable {@code type}: Dispatch's own
 * cases, the framework's (bad parameters, unknown paths, wrong methods) and anything
 * unexpected, which answers 500 without a stack trace or class name.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

	private static final Log log = LogFactory.getLog(ProblemHandler.class);

	private final HttpProperties http;

	ProblemHandler(HttpProperties http) {
		this.http = http;
	}

	@ExceptionHandler(QueueNotFoundException.class)
	ResponseEntity<Object> queueNotFound(QueueNotFoundException ex, WebRequest request) {
		return respond(DispatchProblem.queueNotFound(ex.queue()), request);
	}

	@ExceptionHandler(TooManyQueuesException.class)
	ResponseEntity<Object> tooManyQueues(TooManyQueuesException ex, WebRequest request) {
		return respond(
				new DispatchProblem(ProblemType.TOO_MANY_QUEUES, ex.getMessage() + "; delete queues no longer used"),
				request);
	}

	@ExceptionHandler(BackendUnavailableException.class)
	ResponseEntity<Object> backendUnavailable(BackendUnavailableException ex, WebRequest request) {
		log.warn("Backend unavailable answering " + request.getDescription(false) + ": " + ex.getMessage());
		return respond(DispatchProblem.backendUnavailable(this.http.retryAfter()), request);
	}

	@ExceptionHandler(ServerDrainingException.class)
	ResponseEntity<Object> serverDraining(ServerDrainingException ex, WebRequest request) {
		return respond(DispatchProblem.serverDraining(this.http.retryAfter()), request);
	}

	/**
	 * A queue operation's failure, met where a controller waits for the outcome
	 * ({@code join()}): answered as the failure itself would be.
	 */
	@ExceptionHandler(CompletionException.class)
	ResponseEntity<Object> completion(CompletionException ex, WebRequest request) {
		return switch (ex.getCause()) {
			case BackendUnavailableException unavailable -> backendUnavailable(unavailable, request);
			case QueueNotFoundException notFound -> queueNotFound(notFound, request);
			case IllegalArgumentException invalid -> invalid(invalid, request);
			case null, default -> unexpected(ex, request);
		};
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<Object> invalid(IllegalArgumentException ex, WebRequest request) {
		return respond(new InvalidRequestException(ex.getMessage()), request);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			// the web server refused what the client sent (a form body that ends early,
			// say)
			if (cause instanceof HttpException refused && refused.getCode() >= 400 && refused.getCode() < 500) {
				log.debug("Refused answering " + request.getDescription(false), ex);
				return respond(new InvalidRequestException("the request could not be read: " + cause.getMessage()),
						request);
			}
		}
		log.error("Unexpected failure answering " + request.getDescription(false), ex);
		return respond(new DispatchProblem(ProblemType.INTERNAL_ERROR,
				"the server failed to answer this request; it has been logged"), request);
	}

	/**
	 * No endpoint at the path: said in the API's words, not as a static resource the
	 * framework looked for.
	 */
	@Override
	protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String path = (request instanceof ServletWebRequest servlet) ? servlet.getRequest().getRequestURI()
				: "/" + ex.getResourcePath();
		String method = ex.getHttpMethod().name();
		String detail = "there is no endpoint " + method + " " + path
				+ ((path.length() > 1 && path.endsWith("/")) ? " (paths end without a slash)" : "")
				+ "; the API's endpoints are listed in its OpenAPI document, /v3/api-docs";
		ex.getBody().setDetail(detail);
		return super.handleNoResourceFoundException(ex, headers, status, request);
	}

	private ResponseEntity<Object> respond(DispatchProblem problem, WebRequest request) {
		return handleExceptionInternal(problem, problem.getBody(), problem.getHeaders(), problem.getStatusCode(),
				request);
	}

	/**
	 * Gives the framework's own problems (type {@code about:blank}) a Dispatch type too.
	 */
	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		Object resolved = (body == null && ex instanceof ErrorResponse response) ? response.getBody() : body;
		if (!(resolved instanceof ProblemDetail problem)) {
			return super.handleExceptionInternal(ex, body, headers, status, request);
		}
		if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
			problem.setType(URI.create(DispatchProblem.TYPE_PREFIX + ProblemType.slugOf(status)));
		}
		// a handler that produces application/json must not make its problems look like
		// results
		HttpHeaders problemHeaders = new HttpHeaders();
		problemHeaders.putAll(headers);
		problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return super.handleExceptionInternal(ex, problem, problemHeaders, status, request);
	}

}
