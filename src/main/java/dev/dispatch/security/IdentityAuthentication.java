package dev.dispatch.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

/** A request's proven {@link Identity}, as Spring Security holds it. */
final class IdentityAuthentication extends AbstractAuthenticationToken {

	private final Identity identity;

	IdentityAuthentication(Identity identity) {
		super(authorities(identity));
		this.identity = identity;
		setAuthenticated(true);
	}

	private static List<GrantedAuthority> authorities(Identity identity) {
		GrantedAuthority[] authorities = new GrantedAuthority[identity.roles().size()];
		int i = 0;
		for (Role role : identity.roles()) {
			authorities[i++] = role.authority();
		}
		return List.of(authorities);
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
