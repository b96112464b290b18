package dev.dispatch.queue;

import java.util.regex.Pattern;

/**
 * The rule for queue names: 1 to 128 characters, each a letter, a digit, {@code .},
 * {@code _} or {@code -}. Such a name is safe in a URL path segment, a Prometheus label
 * and a Redis key.
 */
public final class QueueNames {

	/** Longest name accepted. */
	public static final int MAX_LENGTH = 128;

	/** The pattern, as a regular expression. */
	public static final String PATTERN = "[A-Za-z0-9._-]{1," + MAX_LENGTH + "}";

	private static final Pattern COMPILED = Pattern.compile(PATTERN);

	/** Suffix of a queue's default dead-letter queue. */
	public static final String DEAD_LETTER_SUFFIX = ".dead";

	private QueueNames() {
	}

	/** Whether {@code name} follows the rule. */
	public static boolean isValid(String name) {
		return name != null && COMPILED.matcher(name).matches();
	}

	/**
	 * Returns {@code name} if it follows the rule.
	 * @throws IllegalArgumentException naming the rule otherwise
	 */
	public static String requireValid(String name) {
		if (!isValid(name)) {
			throw new IllegalArgumentException("queue name must be 1 to " + MAX_LENGTH
					+ " letters, digits, '.', '_' or '-', got " + describe(name));
		}
		return name;
	}

	/** The default dead-letter queue of {@code queue}. */
	public static String deadLetterQueueOf(String queue) {
		String name = queue + DEAD_LETTER_SUFFIX;
		return (name.length() <= MAX_LENGTH) ? name
				: queue.substring(0, MAX_LENGTH - DEAD_LETTER_SUFFIX.length()) + DEAD_LETTER_SUFFIX;
	}

	private static String describe(String name) {
		if (name == null) {
			return "nothing";
		}
		return (name.length() > 40) ? "'" + name.substring(0, 40) + "…' (" + name.length() + " characters)"
				: "'" + name + "'";
	}

}
