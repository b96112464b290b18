package dev.dispatch.json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks that bytes hold exactly one JSON value in UTF-8, as every job payload must, or
 * UTF-8 text at all.
 */
public final class JsonValues {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private JsonValues() {
	}

	/**
	 * Checks that {@code bytes} are one JSON value in UTF-8 (RFC 8259), without keeping
	 * what it parses. Other encodings are refused, not guessed: a payload is delivered
	 * byte for byte inside a UTF-8 JSON envelope, so one in UTF-16 or UTF-32, with a
	 * byte-order mark, or with invalid UTF-8 (overlong forms, encoded surrogates) would
	 * make every answer that carries it invalid.
	 * @throws IllegalArgumentException saying what is wrong
	 */
	public static void requireOne(byte[] bytes) {
		// parsed as text, so that Jackson cannot take the bytes for UTF-16 or UTF-32
		try (JsonParser parser = JSON.createParser(requireUtf8(bytes))) {
			if (parser.nextToken() == null) {
				throw new IllegalArgumentException(
						"the body must be a JSON value (object, array, string, number…); it is empty");
			}
			parser.skipChildren();
			if (parser.nextToken() != null) {
				throw new IllegalArgumentException("the body must be one JSON value; more follows it");
			}
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(notValid(ex));
		}
	}

	/**
	 * What a caller is told of JSON the parser refused: where, and why in the parser's
	 * words without its notes on the source (which name the parser's settings, not the
	 * request).
	 * @param ex what the parser threw
	 * @return "the body is not valid JSON at line L, column C: why"
	 */
	public static String notValid(JacksonException ex) {
		String why = String.valueOf(ex.getOriginalMessage());
		int marker = why.indexOf(" (start marker at ");
		if (marker >= 0) {
			why = why.substring(0, marker);
		}
		// the parser's advice names its own settings: "(1000, from
		// `StreamReadConstraints.getMaxNestingDepth()`)", ": enable `JsonReadFeature…` to
		// allow"
		why = why.replaceAll(", from `[^`]*`", "").replaceAll(":? enable `[^`]*` to allow", "").replace("`", "");
		TokenStreamLocation at = ex.getLocation();
		String where = (at != null && at.getLineNr() > 0)
				? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : "";
		return "the body is not valid JSON" + where + ": " + why;
	}

	/**
	 * Checks that {@code bytes} are UTF-8 text that JSON may be made of: no byte-order
	 * mark, no NUL byte (so no parser takes them for UTF-16 or UTF-32), no invalid UTF-8.
	 * @return the text
	 * @throws IllegalArgumentException saying what is wrong
	 */
	public static String requireUtf8(byte[] bytes) {
		if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
			throw new IllegalArgumentException("the body must be JSON in UTF-8 without a byte-order mark");
		}
		for (byte b : bytes) {
			if (b == 0) {
				// JSON has no place for a NUL byte, UTF-16 and UTF-32 text has many
				throw new IllegalArgumentException(
						"the body must be JSON in UTF-8; it holds NUL bytes (UTF-16 or UTF-32 is not accepted)");
			}
		}
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new IllegalArgumentException(
					"the body must be JSON in UTF-8; it is not valid UTF-8 (UTF-16 and " + "UTF-32 are not accepted)");
		}
		return text;
	}

}
