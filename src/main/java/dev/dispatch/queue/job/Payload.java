package dev.dispatch.queue.job;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The body of a job: an immutable sequence of bytes, kept exactly as the producer sent
 * it. Dispatch does not interpret payloads; the HTTP layer checks that they are JSON
 * before they get here.
 */
public final class Payload {

	private final byte[] bytes;

	private Payload(byte[] bytes) {
		this.bytes = bytes;
	}

	/** A payload holding a copy of {@code bytes}. */
	public static Payload of(byte[] bytes) {
		return new Payload(bytes.clone());
	}

	/** A payload holding the UTF-8 encoding of {@code text}. */
	public static Payload of(String text) {
		return new Payload(text.getBytes(StandardCharsets.UTF_8));
	}

	/** Number of bytes. */
	public int size() {
		return this.bytes.length;
	}

	/** A copy of the bytes. */
	public byte[] toByteArray() {
		return this.bytes.clone();
	}

	/** The bytes decoded as UTF-8. */
	public String asString() {
		return new String(this.bytes, StandardCharsets.UTF_8);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Payload that && Arrays.equals(this.bytes, that.bytes);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.bytes);
	}

	@Override
	public String toString() {
		return asString();
	}

}
