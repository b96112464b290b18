package dev.dispatch.security;

/**
 * Who may call the API, as configured at start-up: the one decision behind the security
 * filters and the start-up report's line about it.
 *
 * @param apiKeys how many API keys are configured
 * @param jwtIssuer where accepted JWTs come from (their issuer, or the JWK set that signs
 * them), or {@code null} when JWTs are not accepted
 * @param required whether credentials are required even with none configured
 */
public record ApiAccess(int apiKeys, String jwtIssuer, boolean required) {

	/** Whether anyone may use every queue: no key, no issuer, nothing required. */
	public boolean open() {
		return !credentialsConfigured() && !this.required;
	}

	/** Whether every API request is refused: credentials required, none configured. */
	public boolean refusesEveryone() {
		return !credentialsConfigured() && this.required;
	}

	/** What the start-up report says of it, in one line. */
	public String summary() {
		if (open()) {
			return "SECURITY IS OFF: no API key or JWT issuer is configured; anyone may use every queue"
					+ " (docs/security.md)";
		}
		if (refusesEveryone()) {
			return "No API key or JWT issuer is configured, and dispatch.security.required is set: every API"
					+ " request will be refused (docs/security.md)";
		}
		return "API access needs credentials: %d API key(s)%s".formatted(this.apiKeys,
				(this.jwtIssuer != null) ? ", JWTs from " + this.jwtIssuer : "");
	}

	private boolean credentialsConfigured() {
		return this.apiKeys > 0 || this.jwtIssuer != null;
	}

}
