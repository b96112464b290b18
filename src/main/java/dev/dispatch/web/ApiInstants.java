package dev.dispatch.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ser.std.StdSerializer;

import org.springframework.boot.jackson.JacksonComponent;

/**
 * Every instant the API answers, in one form: ISO-8601 in UTC with exactly three digits
 * of milliseconds ({@code 2026-11-30T12:00:00.120Z}), whichever backend holds the queue
 * (the memory backend's clock counts nanoseconds, Redis milliseconds) and whether or not
 * the digits are zeros, so that clients and the console read one shape. Finer digits are
 * cut, not rounded: an instant never moves to a later millisecond than it happened in.
 */
@JacksonComponent
class ApiInstants extends StdSerializer<Instant> {

	static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX")
		.withZone(ZoneOffset.UTC);

	ApiInstants() {
		super(Instant.class);
	}

	@Override
	public void serialize(Instant value, JsonGenerator gen, SerializationContext context) {
		gen.writeString(FORMAT.format(value));
	}

}
