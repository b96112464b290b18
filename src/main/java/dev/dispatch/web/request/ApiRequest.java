package dev.dispatch.web.request;

import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * An API request as the endpoints see it:
 * <ul>
 * <li>its parameters are those of its query string alone. The servlet container would add
 * the fields of a form-encoded body (what {@code curl -d} sends by default), reading the
 * body to get them: {@code curl -X POST …/close -d immediate=true} would close at once,
 * and a put's job would be taken for form fields. The body stays the endpoint's to
 * read;</li>
 * <li>its {@code Accept} (which {@link ApiHeadersFilter} has found to allow JSON) asks
 * for JSON, and problem details as such: an answer is never labelled with a type it does
 * not have, such as a queue's state sent as {@code application/problem+json}.</li>
 * </ul>
 */
final class ApiRequest extends HttpServletRequestWrapper {

	private static final String ACCEPT = MediaType.APPLICATION_JSON_VALUE + ", "
			+ MediaType.APPLICATION_PROBLEM_JSON_VALUE;

	private Map<String, String[]> parameters;

	ApiRequest(HttpServletRequest request) {
		super(request);
	}

	@Override
	public String getHeader(String name) {
		return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? ACCEPT : super.getHeader(name);
	}

	@Override
	public Enumeration<String> getHeaders(String name) {
		return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? Collections.enumeration(List.of(ACCEPT))
				: super.getHeaders(name);
	}

	@Override
	public String getParameter(String name) {
		String[] values = parameters().get(name);
		return (values != null) ? values[0] : null;
	}

	@Override
	public String[] getParameterValues(String name) {
		String[] values = parameters().get(name);
		return (values != null) ? values.clone() : null;
	}

	@Override
	public Enumeration<String> getParameterNames() {
		return Collections.enumeration(parameters().keySet());
	}

	@Override
	public Map<String, String[]> getParameterMap() {
		return Collections.unmodifiableMap(parameters());
	}

	/** The query string's parameters, in order, each with its values; found once. */
	private Map<String, String[]> parameters() {
		if (this.parameters == null) {
			Map<String, String[]> parameters = new LinkedHashMap<>();
			QueryParameters.all(getQueryString())
				.forEach((name, values) -> parameters.put(name, values.toArray(String[]::new)));
			this.parameters = parameters;
		}
		return this.parameters;
	}

}
