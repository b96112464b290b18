package dev.dispatch.security;

import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's {@link StrictHttpFirewall} with its header and parameter checks as
 * they are by default (no ISO control characters, no unassigned code points; a tab is
 * allowed in a header value), done with a loop over the characters instead of a regular
 * expression: the firewall applies them to every header and parameter the application
 * reads, on every request (docs/benchmarks.md, "What security costs").
 */
final class Firewall {

	private Firewall() {
	}

	static StrictHttpFirewall strict() {
		StrictHttpFirewall firewall = new StrictHttpFirewall();
		firewall.setAllowedHeaderNames((name) -> isText(name, false));
		firewall.setAllowedHeaderValues((value) -> isText(value, true));
		firewall.setAllowedParameterNames((name) -> isText(name, false));
		return firewall;
	}

	/**
	 * Whether {@code text} has only assigned code points and no ISO control characters
	 * but, if {@code tabAllowed}, tabs: the firewall's default
	 * {@code [\p{IsAssigned}&&[^\p{IsControl}]]*} (or, with tabs,
	 * {@code [\p{IsAssigned}&&[[^\p{IsControl}]||\t]]*}).
	 */
	static boolean isText(String text, boolean tabAllowed) {
		for (int i = 0; i < text.length();) {
			int c = text.codePointAt(i);
			if (c < 0x80) {
				if ((c < 0x20 || c == 0x7f) && !(tabAllowed && c == '\t')) {
					return false;
				}
				i++;
			}
			else {
				if (!Character.isDefined(c) || Character.isISOControl(c)) {
					return false;
				}
				i += Character.charCount(c);
			}
		}
		return true;
	}

}
