package dev.dispatch.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A request's proven {@link Identity}, as Spring Security holds it. */
final class IdentityAuthentication extends AbstractAuthenticationToken {

	private final Identity identity;

	IdentityAuthentication(Identity identity) {
		super(identity.roles().stream().map((role) -> new SimpleGrantedAuthority("ROLE_" + role.name())).toList());
		this.identity = identity;
		setAuthenticated(true);
	}

	Identity identity() {
		return this.identity;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public Object getPrincipal() {
		return this.identity;
	}

	@Override
	public String getName() {
		return this.identity.name();
	}

}
