package dev.dispatch.web;

import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.util.UriUtils;

/**
 * Reads a parameter of the query string directly. Asking the servlet container instead
 * would make it consume a form-encoded body (what {@code curl -d} sends by default) as
 * parameters, and Spring's {@code @RequestParam} binding costs a data binder and a
 * conversion per parameter on the hot endpoints (docs/benchmarks.md, "The request path").
 * Endpoints that read theirs here declare them with OpenAPI's {@code @Parameter}, which
 * {@link QueryParameterCheck} also goes by.
 */
final class QueryParameters {

	private QueryParameters() {
	}

	/**
	 * The first value of parameter {@code name}, percent-decoded; {@code null} if it is
	 * not there, or has no {@code =}.
	 */
	static String first(HttpServletRequest request, String name) {
		String query = request.getQueryString();
		if (query == null) {
			return null;
		}
		int from = 0;
		while (from <= query.length()) {
			int end = query.indexOf('&', from);
			if (end < 0) {
				end = query.length();
			}
			int equals = query.indexOf('=', from);
			boolean valued = equals >= 0 && equals < end;
			if (name.equals(decode(query.substring(from, valued ? equals : end)))) {
				return valued ? decode(query.substring(equals + 1, end)) : null;
			}
			from = end + 1;
		}
		return null;
	}

	private static String decode(String text) {
		return (text.indexOf('%') < 0) ? text : UriUtils.decode(text, StandardCharsets.UTF_8);
	}

}
