package dev.dispatch.security;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.dispatch.web.Role;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A request's proven {@link Identity}, as Spring Security holds it. */
final class IdentityAuthentication extends AbstractAuthenticationToken {

	/** Each role as Spring Security's authority ({@code ROLE_ADMIN}...), made once. */
	private static final Map<Role, GrantedAuthority> AUTHORITIES = authorityOfEachRole();

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
			authorities[i++] = AUTHORITIES.get(role);
		}
		return List.of(authorities);
	}

	private static Map<Role, GrantedAuthority> authorityOfEachRole() {
		Map<Role, GrantedAuthority> authorities = new EnumMap<>(Role.class);
		for (Role role : Role.values()) {
			authorities.put(role, new SimpleGrantedAuthority("ROLE_" + role.name()));
		}
		return authorities;
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
