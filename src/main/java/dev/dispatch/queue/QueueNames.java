package dev.dispatch.queue;

import java.util.regex.Pattern;

/**
 * The rule for queue names: 1 to 128 characters, each a letter, a digit, {@code .},
 * {@code _} or {@code -}, and not only dots ({@code .} and {@code ..} are path segments
 * of their own in a URL). Such a name is safe in a URL path segment, a Prometheus label
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
		return name != null && COMPILED.matcher(name).matches() && !name.chars().allMatch((c) -> c == '.');
	}

	/**
	 * Returns {@code name} if it follows the rule.
	 * @throws IllegalArgumentException naming the rule otherwise
	 */
	public static String requireValid(String name) {
		if (!isValid(name)) {
			throw new IllegalArgumentException("queue name must be 1 to " + MAX_LENGTH
					+ " letters, digits, '.', '_' or '-', not only dots; got " + describe(name));
		}
		return name;
	}

	/**
	 * The default dead-letter queue of {@code queue}: {@code <queue>.dead}, cut to fit
	 * the length limit; never {@code queue} itself (a long name that already ends in
	 * {@code .dead} gets {@code _.dead} or {@code -.dead} instead).
	 */
	public static String deadLetterQueueOf(String queue) {
		String name = queue + DEAD_LETTER_SUFFIX;
		if (name.length() <= MAX_LENGTH) {
			return name;
		}
		String cut = queue.substring(0, MAX_LENGTH - DEAD_LETTER_SUFFIX.length());
		name = cut + DEAD_LETTER_SUFFIX;
		if (name.equals(queue)) {
			String head = cut.substring(0, cut.length() - 1);
			name = head + (cut.endsWith("_") ? "-" : "_") + DEAD_LETTER_SUFFIX;
		}
		return name;
	}

	private static String describe(String name) {
		if (name == null) {
			return "nothing";
		}
		return (name.length() > 40) ? "'" + name.substring(0, 40) + "…' (" + name.length() + " characters)"
				: "'" + name + "'";
	}

}
