package dev.dispatch.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.dispatch.web.Role;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Reads who a JWT's bearer is and what it may do from the claims named in
 * {@code dispatch.security.jwt.*}. Role names are matched without regard to case; others
 * (an identity provider's own) are ignored. A token without the queues claim may act on
 * every queue; one whose roles claim names no role of Dispatch's may do nothing.
 */
final class JwtIdentities implements Converter<Jwt, AbstractAuthenticationToken> {

	private final SecurityProperties.Jwt claims;

	JwtIdentities(SecurityProperties.Jwt claims) {
		this.claims = claims;
	}

	@Override
	public AbstractAuthenticationToken convert(Jwt jwt) {
		String name = jwt.getClaimAsString(this.claims.nameClaim());
		if (name == null || name.isBlank()) {
			throw new InvalidBearerTokenException("the token has no '" + this.claims.nameClaim() + "' claim");
		}
		Set<Role> roles = EnumSet.noneOf(Role.class);
		for (String value : strings(jwt.getClaim(this.claims.rolesClaim()))) {
			for (Role role : Role.values()) {
				if (role.name().equalsIgnoreCase(value)) {
					roles.add(role);
				}
			}
		}
		List<QueuePattern> queues = new ArrayList<>();
		Object queuesClaim = jwt.getClaim(this.claims.queuesClaim());
		try {
			for (String value : strings(queuesClaim)) {
				queues.add(new QueuePattern(value));
			}
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidBearerTokenException("claim '" + this.claims.queuesClaim() + "': " + ex.getMessage());
		}
		if (queuesClaim == null) {
			queues.add(QueuePattern.ALL);
		}
		return new IdentityAuthentication(new Identity(name, roles, queues, "jwt"));
	}

	/** A claim's strings: a list of them, or one string of space-separated ones. */
	private static List<String> strings(Object claim) {
		if (claim instanceof Collection<?> values) {
			return values.stream().map(String::valueOf).toList();
		}
		if (claim instanceof String text) {
			return List.of(text.trim().split("\\s+")).stream().filter((s) -> !s.isEmpty()).toList();
		}
		return List.of();
	}

}
