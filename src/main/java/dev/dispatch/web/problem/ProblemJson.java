package dev.dispatch.web.problem;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ProblemDetail;

/**
 * A problem's JSON for the answers the web server writes itself, before any servlet sees
 * the request ({@link ProblemErrorHandler}, a body refused by its declared length): the
 * same members, in the same order, as Spring MVC writes for every other problem.
 */
public final class ProblemJson {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ProblemJson() {
	}

	/**
	 * The problem's bytes: its standard members, then its own ({@code limit}, …).
	 * @param instance the request's path as sent, or {@code null} (a path the server
	 * refused may be no valid URI, so it is not the problem's {@code instance})
	 */
	public static byte[] of(ProblemDetail problem, String instance) {
		Map<String, Object> members = new LinkedHashMap<>();
		members.put("detail", problem.getDetail());
		if (instance != null) {
			members.put("instance", instance);
		}
		members.put("status", problem.getStatus());
		members.put("title", problem.getTitle());
		members.put("type", problem.getType().toString());
		if (problem.getProperties() != null) {
			members.putAll(problem.getProperties());
		}
		return JSON.writeValueAsBytes(members);
	}

}
