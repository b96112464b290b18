package dev.dispatch.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.springframework.test.context.DynamicPropertyRegistry;

/** API keys for tests that run the service with credentials configured. */
public final class ApiKeyGrants {

	private ApiKeyGrants() {
	}

	/**
	 * Configures API key number {@code n}, as {@code dispatch.security.api-keys[n]}.
	 * @param roles comma-separated
	 * @param queues comma-separated patterns; null: every queue
	 */
	public static void grant(DynamicPropertyRegistry registry, int n, String name, String key, String roles,
			String queues) {
		String prefix = "dispatch.security.api-keys[" + n + "].";
		registry.add(prefix + "name", () -> name);
		registry.add(prefix + "key-sha256", () -> sha256(key));
		registry.add(prefix + "roles", () -> roles);
		if (queues != null) {
			registry.add(prefix + "queues", () -> queues);
		}
	}

	/** The key's SHA-256 in hex: all the service keeps of it. */
	public static String sha256(String key) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
