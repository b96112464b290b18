package dev.dispatch.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import dev.dispatch.web.Routes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Refusals as RFC 9457 problems, like every other answer of the API: 401
 * {@code /problems/unauthorized} with the standard {@code WWW-Authenticate: Bearer}
 * challenge (RFC 6750), 403 {@code /problems/forbidden}.
 */
final class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

	private final BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();

	private final BearerTokenAccessDeniedHandler denied = new BearerTokenAccessDeniedHandler();

	private final JsonMapper json;

	SecurityProblems(JsonMapper json) {
		this.json = json;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
			throws IOException {
		// sets the status and the challenge, with error="invalid_token" for a bad token
		this.challenge.commence(request, response, failure);
		String header = request.getHeader("Authorization");
		String detail;
		if (header == null) {
			detail = "send Authorization: Bearer <API key or token>";
		}
		else if (!header.regionMatches(true, 0, "Bearer ", 0, "Bearer ".length())) {
			detail = "the Authorization header must read Bearer <API key or token>; it is not a Bearer credential";
		}
		else {
			detail = failure.getMessage();
		}
		write(request, response, "unauthorized", "Unauthorized", detail);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denial)
			throws IOException {
		this.denied.handle(request, response, denial);
		write(request, response, "forbidden", "Forbidden", "your credentials do not allow " + request.getMethod() + " "
				+ request.getRequestURI() + needs(Routes.need(request)));
	}

	/** What a refused request needs: ": it needs the consumer role on queue 'q'". */
	private static String needs(Routes.Need need) {
		if (need.queue() == null) {
			return "";
		}
		String roles = need.roles()
			.stream()
			.sorted()
			.map((role) -> role.name().toLowerCase(Locale.ROOT))
			.collect(Collectors.joining(" or "));
		return ": it needs the " + roles + " role on queue '" + need.queue() + "'";
	}

	private void write(HttpServletRequest request, HttpServletResponse response, String slug, String title,
			String detail) throws IOException {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "/problems/" + slug);
		problem.put("title", title);
		problem.put("status", response.getStatus());
		problem.put("detail", detail);
		problem.put("instance", request.getRequestURI());
		response.setContentType("application/problem+json");
		response.setHeader("Cache-Control", "no-store");
		response.getOutputStream().write(this.json.writeValueAsBytes(problem));
	}

}
