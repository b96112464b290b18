package dev.dispatch.security;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.dispatch.web.Role;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the API, under {@code dispatch.security.*}. With no API key and no JWT
 * issuer ({@code spring.security.oauth2.resourceserver.jwt.*}) configured, the API is
 * open, unless credentials are {@code required}.
 *
 * @param required whether credentials are required even when none is configured (every
 * API request is then refused): for deployments, where an open API must never happen by
 * omission
 * @param apiKeys the static API keys; several may be valid at once (rotation)
 * @param jwt where roles and queue patterns are read from in a JWT
 */
@ConfigurationProperties("dispatch.security")
public record SecurityProperties(@DefaultValue("false") boolean required, List<ApiKey> apiKeys, @DefaultValue Jwt jwt) {

	public SecurityProperties {
		apiKeys = (apiKeys != null) ? List.copyOf(apiKeys) : List.of();
		Set<String> names = new HashSet<>();
		Set<String> hashes = new HashSet<>();
		for (ApiKey key : apiKeys) {
			if (!names.add(key.name())) {
				throw new IllegalArgumentException("two API keys are named '" + key.name() + "'");
			}
			if (!hashes.add(key.keySha256())) {
				throw new IllegalArgumentException(
						"API keys '" + key.name() + "' and another have the same key-sha256");
			}
		}
	}

	/**
	 * One API key. The key itself is never configured: only its SHA-256.
	 *
	 * @param name who holds it, for logs and audit
	 * @param keySha256 the hex SHA-256 of the key's UTF-8 bytes
	 * @param roles what its holder may do ({@code producer}, {@code consumer},
	 * {@code admin})
	 * @param queues the queue patterns it may do that on; default every queue
	 * @param revoked whether it is refused (kept listed, its use is logged by name)
	 */
	public record ApiKey(String name, String keySha256, Set<Role> roles, List<String> queues,
			@DefaultValue("false") boolean revoked) {

		public ApiKey {
			if (name == null || name.isBlank()) {
				throw new IllegalArgumentException("every API key needs a name");
			}
			if (keySha256 == null || !keySha256.matches("[0-9a-fA-F]{64}")) {
				throw new IllegalArgumentException("API key '" + name
						+ "': key-sha256 must be 64 hex digits, the SHA-256 of the key (see docs/security.md)");
			}
			keySha256 = keySha256.toLowerCase(Locale.ROOT);
			if (roles == null || roles.isEmpty()) {
				throw new IllegalArgumentException(
						"API key '" + name + "' has no roles (producer, consumer, admin): it could do nothing");
			}
			roles = Set.copyOf(roles);
			queues = (queues != null && !queues.isEmpty()) ? List.copyOf(queues) : List.of("*");
			for (String pattern : queues) {
				try {
					new QueuePattern(pattern);
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException("API key '" + name + "': " + ex.getMessage());
				}
			}
		}

		/** The SHA-256 as bytes. */
		byte[] digest() {
			return HexFormat.of().parseHex(this.keySha256);
		}

		/** What its holder may do. */
		Identity identity() {
			return new Identity(this.name, this.roles, this.queues.stream().map(QueuePattern::new).toList(), "api-key");
		}

	}

	/**
	 * Where a JWT says who its bearer is and what it may do.
	 *
	 * @param nameClaim the claim that names the bearer
	 * @param rolesClaim the claim with its roles (a list, or a space-separated string)
	 * @param queuesClaim the claim with its queue patterns (likewise); a token without it
	 * may act on every queue
	 */
	public record Jwt(@DefaultValue("sub") String nameClaim, @DefaultValue("roles") String rolesClaim,
			@DefaultValue("queues") String queuesClaim) {

	}

}
