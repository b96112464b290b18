package dev.dispatch.web.request;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.dispatch.web.problem.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Reads a parameter of the query string directly. Asking the servlet container instead
 * would make it consume a form-encoded body (what {@code curl -d} sends by default) as
 * parameters, and Spring's {@code @RequestParam} binding costs a data binder and a
 * conversion per parameter on the hot endpoints (docs/benchmarks.md, "The request path").
 * Endpoints that read theirs here declare them with OpenAPI's {@code @Parameter}, which
 * {@link QueryParameterCheck} also goes by.
 */
public final class QueryParameters {

	private QueryParameters() {
	}

	/**
	 * The first value of parameter {@code name}, percent-decoded; {@code null} if it is
	 * not there, or has no {@code =}.
	 */
	public static String first(HttpServletRequest request, String name) {
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

	/**
	 * A yes-or-no parameter: {@code true} or {@code false}, nothing else ({@code yes} or
	 * {@code 1} are refused, not guessed at); {@code false} when absent or empty, as an
	 * empty value of any parameter counts as absent.
	 */
	public static boolean flag(String name, String value) {
		if (value == null || value.isEmpty() || value.equals("false")) {
			return false;
		}
		if (value.equals("true")) {
			return true;
		}
		throw new InvalidRequestException("'" + name + "' must be true or false; got '" + value + "'");
	}

	/**
	 * A whole-number parameter from {@code min} to {@code max}; {@code absent} when it is
	 * absent or empty.
	 */
	public static int whole(String name, String value, int min, int max, int absent) {
		if (value == null || value.isEmpty()) {
			return absent;
		}
		try {
			int parsed = Integer.parseInt(value);
			if (parsed >= min && parsed <= max) {
				return parsed;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new InvalidRequestException(
				"'" + name + "' must be a whole number from " + min + " to " + max + "; got '" + value + "'");
	}

	/**
	 * Every parameter of {@code query} (null: none), in order of first appearance, each
	 * with its values, percent-decoded; a parameter without {@code =} has the value "".
	 */
	static Map<String, List<String>> all(String query) {
		Map<String, List<String>> found = new LinkedHashMap<>();
		if (query != null) {
			for (String pair : query.split("&")) {
				if (pair.isEmpty()) {
					continue;
				}
				int equals = pair.indexOf('=');
				String name = decode((equals >= 0) ? pair.substring(0, equals) : pair);
				String value = (equals >= 0) ? decode(pair.substring(equals + 1)) : "";
				found.computeIfAbsent(name, (key) -> new ArrayList<>()).add(value);
			}
		}
		return found;
	}

	/**
	 * Percent-decoded, and {@code +} read as a space, as HTML forms, the servlet API and
	 * most HTTP clients' query builders write it (a {@code +} itself comes as
	 * {@code %2B}).
	 */
	private static String decode(String text) {
		return (text.indexOf('%') < 0 && text.indexOf('+') < 0) ? text
				: URLDecoder.decode(text, StandardCharsets.UTF_8);
	}

}
