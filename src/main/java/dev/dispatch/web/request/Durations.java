package dev.dispatch.web.request;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dispatch.web.problem.InvalidRequestException;

/**
 * Parses durations given in query parameters: {@code 500ms}, {@code 30s}, {@code 2m},
 * {@code 1h}, ISO-8601 ({@code PT30S}) or a bare number of seconds ({@code 0},
 * {@code 1.5}). An empty value counts as absent; a negative or unreadable one is the
 * client's error.
 */
public final class Durations {

	private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

	private static final Pattern SECONDS = Pattern.compile("\\d+(?:\\.\\d+)?");

	/** Longest duration accepted from a client at all (waits are capped much lower). */
	private static final Duration LONGEST = Duration.ofDays(365);

	private Durations() {
	}

	/**
	 * The duration in {@code value}, or {@code null} if it is absent or empty.
	 * @throws InvalidRequestException naming {@code parameter} if it is not a duration
	 */
	public static Duration parse(String parameter, String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String text = value.trim();
		Duration parsed = null;
		try {
			Matcher unit = WITH_UNIT.matcher(text);
			if (SECONDS.matcher(text).matches()) {
				parsed = ofSeconds(new BigDecimal(text));
			}
			else if (unit.matches()) {
				BigDecimal amount = new BigDecimal(unit.group(1));
				parsed = switch (unit.group(2)) {
					case "ms" -> ofSeconds(amount.movePointLeft(3));
					case "s" -> ofSeconds(amount);
					case "m" -> ofSeconds(amount.multiply(BigDecimal.valueOf(60)));
					default -> ofSeconds(amount.multiply(BigDecimal.valueOf(3600)));
				};
			}
			else if (text.startsWith("P") || text.startsWith("p")) {
				parsed = Duration.parse(text);
			}
		}
		catch (DateTimeParseException | ArithmeticException ex) {
			parsed = null;
		}
		if (parsed == null || parsed.isNegative() || parsed.compareTo(LONGEST) > 0) {
			throw new InvalidRequestException("'" + parameter + "' must be a duration such as 500ms, 30s, 2m, PT30S"
					+ " or a number of seconds, at least 0 and at most a year; got '" + value + "'");
		}
		return parsed;
	}

	private static Duration ofSeconds(BigDecimal seconds) {
		return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
	}

}
