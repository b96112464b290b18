package dev.dispatch.web.request;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.dispatch.web.fastpath.WholeAnswer;
import dev.dispatch.web.problem.DispatchProblem;
import dev.dispatch.web.problem.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What every answer carries and what no request may do, before any endpoint sees it:
 * <ul>
 * <li>{@code X-Content-Type-Options: nosniff} on every answer, and
 * {@code Cache-Control: no-store} on the API's ({@code /v1/}): a job or a lease must not
 * be kept by a cache between client and service;</li>
 * <li>{@code TRACE} is refused (405): it would echo the request's headers, credentials
 * included;</li>
 * <li>a path with {@code ;} parameters is refused (400) rather than having them dropped
 * silently, which would make {@code /v1/queues/a;b} mean queue {@code a};</li>
 * <li>an API request whose {@code Accept} allows no JSON is refused (406) before its
 * endpoint runs, not after it has done what it was asked;</li>
 * <li>a request with two {@code Authorization} or {@code Idempotency-Key} headers is
 * refused (400): the service would read the first, a proxy in front perhaps the
 * other;</li>
 * <li>the API's answers are sent whole, with a {@code Content-Length}
 * ({@link WholeAnswer}), and its requests' parameters are their query string's alone
 * ({@link ApiRequest}).</li>
 * </ul>
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiHeadersFilter extends OncePerRequestFilter {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Headers a request may carry once: the credential, and a put's idempotency key. */
	private static final List<String> SINGLE_HEADERS = List.of(HttpHeaders.AUTHORIZATION, "Idempotency-Key");

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader("X-Content-Type-Options", "nosniff");
		String path = request.getRequestURI();
		if (path.startsWith("/v1/")) {
			response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		}
		if ("TRACE".equals(request.getMethod())) {
			response.setHeader(HttpHeaders.ALLOW, "GET, HEAD, POST, PUT, DELETE, OPTIONS");
			refuse(request, response, HttpStatus.METHOD_NOT_ALLOWED, "TRACE is not served");
			return;
		}
		if (path.startsWith("/v1/") && path.indexOf(';') >= 0) {
			refuse(request, response, HttpStatus.BAD_REQUEST,
					"path parameters (';') are not accepted; a queue name may not contain ';'");
			return;
		}
		for (String single : SINGLE_HEADERS) {
			Enumeration<String> values = request.getHeaders(single);
			if (values != null && values.hasMoreElements()) {
				values.nextElement();
				if (values.hasMoreElements()) {
					// a proxy in front may have read the other one: which was meant?
					refuse(request, response, HttpStatus.BAD_REQUEST,
							"the " + single + " header is sent more than once; send it once");
					return;
				}
			}
		}
		if (path.startsWith("/v1/") && !acceptsJson(request)) {
			// before the endpoint runs: a purge or an ack answered 406 after it was done
			// would be taken for one that failed
			refuse(request, response, HttpStatus.NOT_ACCEPTABLE,
					"the API answers application/json (and problems application/problem+json); Accept: "
							+ request.getHeader(HttpHeaders.ACCEPT) + " allows neither");
			return;
		}
		if (path.startsWith("/v1/")) {
			chain.doFilter(new ApiRequest(request), new WholeAnswer(response));
		}
		else {
			chain.doFilter(request, response);
		}
	}

	/**
	 * Whether the request's {@code Accept} (none: anything) allows JSON. One that cannot
	 * be read counts as none: the answer is JSON, as {@link ApiRequest} then asks.
	 */
	private static boolean acceptsJson(HttpServletRequest request) {
		Enumeration<String> headers = request.getHeaders(HttpHeaders.ACCEPT);
		if (headers == null || !headers.hasMoreElements()) {
			return true;
		}
		List<MediaType> accepted;
		try {
			accepted = MediaType.parseMediaTypes(Collections.list(headers));
		}
		catch (InvalidMediaTypeException ex) {
			return true;
		}
		if (accepted.isEmpty()) {
			return true;
		}
		for (MediaType type : accepted) {
			if (type.getQualityValue() > 0 && (type.isCompatibleWith(MediaType.APPLICATION_JSON)
					|| type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))) {
				return true;
			}
		}
		return false;
	}

	private static void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status,
			String detail) throws IOException {
		// the fields of every other problem, in the same order
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("detail", detail);
		problem.put("instance", request.getRequestURI());
		problem.put("status", status.value());
		problem.put("title", status.getReasonPhrase());
		problem.put("type", DispatchProblem.TYPE_PREFIX + ProblemType.slugOf(status));
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		JSON.writeValue(response.getOutputStream(), problem);
	}

}
