package dev.dispatch.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Recognises the configured API keys. A presented key is hashed (SHA-256: keys are
 * high-entropy, so a fast hash is right) and compared with every configured hash in
 * constant time, so that neither the key nor which key matched shows in the timing.
 */
final class ApiKeys {

	private static final Log log = LogFactory.getLog(ApiKeys.class);

	private final List<SecurityProperties.ApiKey> keys;

	private final List<byte[]> digests;

	/** Each key's identity, made once: it is the same on every request. */
	private final List<Identity> identities;

	/**
	 * An unused SHA-256 digest, cloned for each key presented: cheaper than looking the
	 * algorithm up among the security providers every time.
	 */
	private final MessageDigest sha256;

	ApiKeys(List<SecurityProperties.ApiKey> keys) {
		this.keys = List.copyOf(keys);
		this.digests = keys.stream().map(SecurityProperties.ApiKey::digest).toList();
		this.identities = keys.stream().map(SecurityProperties.ApiKey::identity).toList();
		try {
			this.sha256 = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

	boolean isEmpty() {
		return this.keys.isEmpty();
	}

	/**
	 * Who holds {@code key}.
	 * @throws InvalidBearerTokenException if it is no configured key, or a revoked one
	 */
	Identity identify(String key) {
		byte[] digest = sha256(key);
		int found = -1;
		for (int i = 0; i < this.digests.size(); i++) {
			// no early exit: every hash is compared
			if (MessageDigest.isEqual(this.digests.get(i), digest) && found < 0) {
				found = i;
			}
		}
		if (found < 0) {
			throw new InvalidBearerTokenException("unknown API key");
		}
		SecurityProperties.ApiKey matched = this.keys.get(found);
		if (matched.revoked()) {
			log.warn("Refused revoked API key '%s'".formatted(matched.name()));
			throw new InvalidBearerTokenException("revoked API key");
		}
		return this.identities.get(found);
	}

	private byte[] sha256(String key) {
		try {
			return ((MessageDigest) this.sha256.clone()).digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException("the SHA-256 digest cannot be cloned", ex);
		}
	}

}
