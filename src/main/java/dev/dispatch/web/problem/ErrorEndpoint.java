package dev.dispatch.web.problem;

import java.net.URI;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the servlet container forwards its own errors to (Spring Boot's {@code /error}),
 * answered as a problem like every other error, instead of Spring Boot's default page. A
 * request sent to {@code /error} itself is answered as for any path without an endpoint:
 * 404, not the default controller's "status 999" 500.
 */
@RestController
@Hidden
class ErrorEndpoint implements ErrorController {

	@RequestMapping("${server.error.path:${error.path:/error}}")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		HttpStatusCode status = (code instanceof Integer value && value >= 400) ? HttpStatusCode.valueOf(value)
				: HttpStatus.NOT_FOUND;
		String detail;
		if (code == null) {
			detail = "no endpoint at " + request.getRequestURI();
		}
		else if (status.is5xxServerError()) {
			detail = "the server failed to answer; the failure is logged";
		}
		else {
			HttpStatus known = HttpStatus.resolve(status.value());
			detail = (known != null) ? known.getReasonPhrase().toLowerCase() : "the request was refused";
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(DispatchProblem.TYPE_PREFIX + ProblemType.slugOf(status)));
		problem.setInstance(URI.create((uri instanceof String original) ? original : request.getRequestURI()));
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
