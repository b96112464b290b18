package dev.dispatch.client;

import java.time.Instant;
import java.time.LocalDate;

import tools.jackson.databind.JsonNode;

/**
 * Reading the service's answers, and writing the small JSON of requests without a mapper
 * call per field (the client writes and reads a few of each per job).
 */
final class Json {

	private static final int[] POWERS_OF_TEN = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
			1_000_000_000 };

	private Json() {
	}

	/** The field's text; null when it is absent or JSON null. */
	static String text(JsonNode object, String field) {
		JsonNode value = object.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

	/**
	 * Appends {@code text} as a JSON string: quoted, with {@code "}, {@code \} and
	 * control characters escaped.
	 */
	static void appendString(StringBuilder json, String text) {
		json.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append("\\u00")
							.append(Character.forDigit(c >> 4, 16))
							.append(Character.forDigit(c & 0xf, 16));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

	/**
	 * An instant as the service writes it ({@code 2026-12-07T16:30:20.123456Z}), read
	 * without the general ISO-8601 parser; any other form goes to {@link Instant#parse}.
	 * @throws java.time.format.DateTimeParseException if it is no instant at all
	 */
	static Instant instant(String text) {
		int length = text.length();
		int fraction = length - 21;
		boolean shaped = length >= 20 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
				&& text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(length - 1) == 'Z'
				&& (length == 20 || (text.charAt(19) == '.' && fraction >= 1 && fraction <= 9));
		if (!shaped) {
			return Instant.parse(text);
		}
		int year = digits(text, 0, 4);
		int month = digits(text, 5, 7);
		int day = digits(text, 8, 10);
		int hour = digits(text, 11, 13);
		int minute = digits(text, 14, 16);
		int second = digits(text, 17, 19);
		int nanos = (length == 20) ? 0 : digits(text, 20, length - 1);
		if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
				|| second < 0 || second > 59 || nanos < 0) {
			return Instant.parse(text);
		}
		LocalDate firstOfMonth = LocalDate.of(year, month, 1);
		if (day > firstOfMonth.lengthOfMonth()) {
			return Instant.parse(text);
		}
		long epochDay = firstOfMonth.toEpochDay() + day - 1;
		return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600 + minute * 60 + second,
				(length == 20) ? 0 : (long) nanos * POWERS_OF_TEN[9 - fraction]);
	}

	/** The decimal number in {@code text[from, to)}; -1 if a character is no digit. */
	private static int digits(String text, int from, int to) {
		int value = 0;
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
