package dev.dispatch.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * The bearer token of a request's {@code Authorization} header (RFC 6750, section 2.1),
 * with the same answers as Spring Security's {@code DefaultBearerTokenResolver} as
 * configured by default (no tokens in query parameters or form bodies), but checked
 * character by character instead of with a regular expression on every request
 * (docs/benchmarks.md, "What security costs").
 */
final class BearerTokens implements BearerTokenResolver {

	private static final String SCHEME = "Bearer";

	/**
	 * The token, {@code null} if the request has no bearer credentials.
	 * @throws OAuth2AuthenticationException if it has, but they are no b64token
	 */
	@Override
	public String resolve(HttpServletRequest request) {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
			return null;
		}
		int start = SCHEME.length() + 1;
		if (header.length() <= start || header.charAt(start - 1) != ' ') {
			throw malformed();
		}
		// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
		int end = header.length();
		while (end > start && header.charAt(end - 1) == '=') {
			end--;
		}
		if (end == start) {
			throw malformed();
		}
		for (int i = start; i < end; i++) {
			if (!isTokenCharacter(header.charAt(i))) {
				throw malformed();
			}
		}
		return header.substring(start);
	}

	private static boolean isTokenCharacter(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
				|| c == '_' || c == '~' || c == '+' || c == '/';
	}

	private static OAuth2AuthenticationException malformed() {
		return new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
	}

}
