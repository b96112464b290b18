package dev.dispatch.backend.redis;

import java.nio.charset.StandardCharsets;

/**
 * Where one queue lives in Redis: every key of queue {@code q} starts with
 * {@code <prefix>:{q}:}, so that a queue lives in one cluster slot (a job's own key, and
 * an idempotency key's, too: the scripts make them from the prefixes passed with the
 * keys).
 *
 * @param name the queue's name
 * @param keys its keys, in the order of {@code prelude.lua}
 * @param channel its wake channel (sharded pub/sub)
 */
record QueueKeys(String name, byte[][] keys, byte[] channel) {

	/**
	 * The keys' last parts, in the order of {@code prelude.lua}; the last two are the
	 * prefixes of each job's key and each idempotency key.
	 */
	private static final String[] PARTS = { "meta", "ready", "delayed", "leases", "outbox", "outmeta", "job:",
			"idem:" };

	/** The keys of queue {@code name} under {@code prefix}. */
	static QueueKeys of(String prefix, String name) {
		String base = prefix + ":{" + name + "}:";
		byte[][] keys = new byte[PARTS.length][];
		for (int i = 0; i < PARTS.length; i++) {
			keys[i] = bytes(base + PARTS[i]);
		}
		return new QueueKeys(name, keys, bytes(base + "wake"));
	}

	/** The queue's settings (a hash; its {@code gen} field says it exists). */
	byte[] meta() {
		return this.keys[0];
	}

	/**
	 * The name of the queue whose wake channel is {@code channel} under {@code prefix},
	 * or {@code null} if it is not one.
	 */
	static String nameOfChannel(String prefix, byte[] channel) {
		String text = new String(channel, StandardCharsets.UTF_8);
		String head = prefix + ":{";
		String tail = "}:wake";
		if (text.startsWith(head) && text.endsWith(tail) && text.length() > head.length() + tail.length()) {
			return text.substring(head.length(), text.length() - tail.length());
		}
		return null;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
