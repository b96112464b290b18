package dev.dispatch.queue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Identifiers for jobs and leases, unique across processes. */
public final class Ids {

	private static final SecureRandom SECURE = new SecureRandom();

	private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

	private Ids() {
	}

	/**
	 * A new job id: a version 7 UUID (the time in milliseconds, then 74 random bits), so
	 * ids sort roughly by creation and never collide in practice, whichever replica makes
	 * them.
	 */
	public static String newJobId() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long millis = System.currentTimeMillis();
		long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
		long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
		return new UUID(high, low).toString();
	}

	/**
	 * A new lease id: 128 bits from a {@link SecureRandom}, URL-safe Base64. Holding a
	 * lease id is what lets a consumer settle the job, so it must not be guessable.
	 */
	public static String newLeaseId() {
		byte[] bytes = new byte[16];
		SECURE.nextBytes(bytes);
		return URL_SAFE.encodeToString(bytes);
	}

}
