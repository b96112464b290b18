package dev.dispatch.queue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Identifiers for jobs and leases, unique across processes. */
public final class Ids {

	private static final SecureRandom SECURE = new SecureRandom();

	private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

	private Ids() {
	}

	/**
	 * The last job id's time and sequence: milliseconds since the epoch, shifted left by
	 * {@value #SEQUENCE_BITS} bits, plus a sequence number within that millisecond.
	 */
	private static final AtomicLong lastTick = new AtomicLong();

	private static final int SEQUENCE_BITS = 12;

	/**
	 * A new job id: a version 7 UUID (RFC 9562): the time in milliseconds, a 12-bit
	 * sequence number within the millisecond (the RFC's "fixed bit-length dedicated
	 * counter"), then 62 random bits. Ids made by one process are strictly increasing, in
	 * their binary and their text form, so they sort by creation: the Redis backend
	 * relies on it to keep jobs that fall due at the same millisecond in the order they
	 * were put. More than 4,096 ids in a millisecond borrow from the next one. Ids made
	 * by different replicas never collide in practice, and sort by time to within their
	 * clocks' skew.
	 */
	public static String newJobId() {
		long now = System.currentTimeMillis() << SEQUENCE_BITS;
		long tick = lastTick.updateAndGet((last) -> Math.max(now, last + 1));
		long millis = tick >>> SEQUENCE_BITS;
		long sequence = tick & ((1L << SEQUENCE_BITS) - 1);
		long high = (millis << 16) | 0x7000L | sequence;
		long low = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
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
