package dev.dispatch.security;

import java.util.regex.Pattern;

import dev.dispatch.queue.QueueNames;

/**
 * A pattern of queue names in a grant: a name, or a name with {@code *} for any run of
 * characters ({@code orders.*}, {@code *}).
 *
 * @param glob the pattern as configured
 */
public record QueuePattern(String glob) {

	private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._*-]{1," + QueueNames.MAX_LENGTH + "}");

	public QueuePattern {
		if (glob == null || !ALLOWED.matcher(glob).matches()) {
			throw new IllegalArgumentException("a queue pattern is a queue name in which * stands for any characters,"
					+ " such as orders.* or *; got " + glob);
		}
	}

	/** Every queue. */
	public static final QueuePattern ALL = new QueuePattern("*");

	/** Whether {@code queue} is one of the names this pattern stands for. */
	public boolean matches(String queue) {
		// the usual wildcard walk: on a mismatch, go back to the last '*' and let it take
		// one more character; at most length x length steps, whatever the pattern
		String glob = this.glob;
		int g = 0;
		int n = 0;
		int star = -1;
		int afterStar = 0;
		while (n < queue.length()) {
			if (g < glob.length() && glob.charAt(g) == '*') {
				star = g++;
				afterStar = n;
			}
			else if (g < glob.length() && glob.charAt(g) == queue.charAt(n)) {
				g++;
				n++;
			}
			else if (star >= 0) {
				g = star + 1;
				n = ++afterStar;
			}
			else {
				return false;
			}
		}
		while (g < glob.length() && glob.charAt(g) == '*') {
			g++;
		}
		return g == glob.length();
	}

	@Override
	public String toString() {
		return this.glob;
	}

}
