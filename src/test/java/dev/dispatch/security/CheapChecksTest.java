package dev.dispatch.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Firewall} and {@link BearerTokens} replace regular expressions that Spring
 * Security runs on every request with loops; they must answer exactly as Spring
 * Security's own, which serve as the oracle here, for edge cases and for many random
 * strings over an alphabet of the characters that matter.
 */
class CheapChecksTest {

	/**
	 * Plain ASCII, the token's punctuation, controls (C0, DEL, C1), a tab, a space, an
	 * assigned and an unassigned BMP character, a surrogate pair, lone surrogates, an
	 * unassigned supplementary code point.
	 */
	private static final String[] ALPHABET = { "a", "Z", "7", "-", ".", "_", "~", "+", "/", "=", " ", "\t", "\u0000",
			"\n", "\r", "\u001f", "\u007f", "\u0085", "\u009f", "é", "\u0378", "\uD83D\uDE00", "\uD800", "\uDC00",
			"\uDB40\uDC80", "\uFFFF", "Bearer ", "bearer ", "BEARER " };

	private final Random random = new Random(20261130);

	@Test
	void theFirewallAcceptsAndRefusesTheHeadersAndParametersSpringSecuritysDefaultDoes() {
		HttpFirewall ours = Firewall.strict();
		HttpFirewall theirs = new StrictHttpFirewall();
		List<String> texts = texts();
		for (String text : texts) {
			assertThat(headerValueAccepted(ours, text)).as("header value %s", escaped(text))
				.isEqualTo(headerValueAccepted(theirs, text));
			assertThat(headerNameAccepted(ours, text)).as("header name %s", escaped(text))
				.isEqualTo(headerNameAccepted(theirs, text));
			assertThat(parameterNameAccepted(ours, text)).as("parameter name %s", escaped(text))
				.isEqualTo(parameterNameAccepted(theirs, text));
		}
		// both answers are seen, so the comparison proves something
		assertThat(texts).anyMatch((text) -> headerValueAccepted(ours, text))
			.anyMatch((text) -> !headerValueAccepted(ours, text))
			.anyMatch((text) -> headerValueAccepted(ours, text) && !headerNameAccepted(ours, text));
	}

	@Test
	void bearerTokensAreReadAsSpringSecuritysDefaultResolverReadsThem() {
		DefaultBearerTokenResolver theirs = new DefaultBearerTokenResolver();
		BearerTokens ours = new BearerTokens();
		List<String> headers = new ArrayList<>(texts());
		headers.addAll(List.of("Bearer abc", "bearer abc", "BEARER a.b.c", "Bearer abc==", "Bearer ==", "Bearer",
				"Bearer ", "Bearer  abc", "Bearer a bc", "Bearerabc", "Basic abc", "Bearer a=b", "Bearer ab=\t",
				"Bearer-abc", "Bear", "bEaReR x~+/-._9Z"));
		for (int i = 0; i < 5000; i++) {
			headers.add(((i % 2 == 0) ? "Bearer " : "bearer ") + randomText(1 + this.random.nextInt(12)));
		}
		int tokens = 0;
		int malformed = 0;
		for (String header : headers) {
			String expected = resolve(theirs::resolve, header);
			assertThat(resolve(ours::resolve, header)).as("Authorization: %s", escaped(header)).isEqualTo(expected);
			tokens += (expected != null && !expected.startsWith("refused:")) ? 1 : 0;
			malformed += (expected != null && expected.startsWith("refused:")) ? 1 : 0;
		}
		assertThat(tokens).isGreaterThan(100);
		assertThat(malformed).isGreaterThan(100);
	}

	private List<String> texts() {
		List<String> texts = new ArrayList<>(List.of("", "plain", "with space", "tab\there", "line\nbreak"));
		for (String character : ALPHABET) {
			texts.add(character);
			texts.add("x" + character + "y");
		}
		for (int i = 0; i < 5000; i++) {
			texts.add(randomText(1 + this.random.nextInt(8)));
		}
		return texts;
	}

	private String randomText(int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			// mostly token characters, so that valid texts are common too
			text.append((this.random.nextInt(3) == 0) ? ALPHABET[this.random.nextInt(ALPHABET.length)]
					: ALPHABET[this.random.nextInt(9)]);
		}
		return text.toString();
	}

	private static boolean headerValueAccepted(HttpFirewall firewall, String value) {
		MockHttpServletRequest request = request();
		request.addHeader("X-Test", value);
		return accepted(() -> firewall.getFirewalledRequest(request).getHeader("X-Test"));
	}

	private static boolean headerNameAccepted(HttpFirewall firewall, String name) {
		MockHttpServletRequest request = request();
		request.addHeader(name, "value");
		return accepted(() -> firewall.getFirewalledRequest(request).getHeader(name));
	}

	private static boolean parameterNameAccepted(HttpFirewall firewall, String name) {
		MockHttpServletRequest request = request();
		request.addParameter(name, "value");
		return accepted(() -> firewall.getFirewalledRequest(request).getParameter(name));
	}

	private static MockHttpServletRequest request() {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/queues/q/jobs");
		request.setServletPath("/v1/queues/q/jobs");
		return request;
	}

	private static boolean accepted(Runnable read) {
		try {
			read.run();
			return true;
		}
		catch (RequestRejectedException ex) {
			return false;
		}
	}

	/** The token, or "refused: " and the error's description. */
	private static String resolve(Resolver resolver, String header) {
		MockHttpServletRequest request = request();
		request.addHeader("Authorization", header);
		try {
			return resolver.resolve(request);
		}
		catch (OAuth2AuthenticationException ex) {
			return "refused: " + ex.getError().getErrorCode() + " " + ex.getError().getDescription();
		}
	}

	private static String escaped(String text) {
		StringBuilder escaped = new StringBuilder("\"");
		text.codePoints()
			.forEach((c) -> escaped.append((c >= 0x20 && c < 0x7f) ? Character.toString(c) : "\\u{%x}".formatted(c)));
		return escaped.append('"').toString();
	}

	private interface Resolver {

		String resolve(HttpServletRequest request);

	}

}
