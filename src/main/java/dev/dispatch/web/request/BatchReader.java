package dev.dispatch.web.request;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.dispatch.json.JsonValues;
import dev.dispatch.queue.job.Lane;
import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.TraceContext;
import dev.dispatch.web.poll.HttpProperties;
import dev.dispatch.web.problem.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Reads the bodies of the batch endpoints: the jobs of a batch put and the settlements of
 * a batch settle. Each is a JSON array of objects, at most {@value #MAX_JOBS} of them;
 * every field is checked, and a field that is not one is refused by name. A batch is read
 * whole before anything happens, so one bad element refuses all of it.
 * <p>
 * A job's payload is kept exactly as sent, byte for byte: the array is parsed from its
 * bytes, and each payload is the slice of the body its value spans.
 */
@Component
public class BatchReader {

	/** Most jobs in a batch put, and most leases in a batch settle. */
	public static final int MAX_JOBS = 100;

	private static final List<String> JOB_FIELDS = List.of("payload", "idempotencyKey", "delay", "priority", "group",
			"traceparent", "tracestate");

	private static final List<String> SETTLE_FIELDS = List.of("lease", "action", "delay", "by");

	/** A field named twice in one object is refused, not last-wins. */
	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private final BodyLimit payloadLimit;

	private final BodyLimit batchLimit;

	BatchReader(HttpProperties properties) {
		this.payloadLimit = BodyLimit.payload(properties);
		this.batchLimit = BodyLimit.batch(properties);
	}

	/**
	 * The jobs of a batch put: 1 to {@value #MAX_JOBS}, in the order sent. A job without
	 * a trace context of its own takes {@code trace} (the request's headers').
	 */
	public List<NewJob> jobs(HttpServletRequest request, TraceContext trace) {
		byte[] body = RequestBodies.read(request, this.batchLimit);
		return read(body, "jobs", "[{\"payload\": …}, …]", false, (parser, index) -> job(body, parser, index, trace));
	}

	/**
	 * The settlements of a batch settle: 1 to {@value #MAX_JOBS}, in the order sent; none
	 * as well ({@code []}) when {@code mayBeEmpty}, for a settle that also takes.
	 */
	public List<Settle> settlements(HttpServletRequest request, boolean mayBeEmpty) {
		byte[] body = RequestBodies.read(request, BodyLimit.SETTLE);
		return read(body, "settlements", "[{\"lease\": \"…\", \"action\": \"ack\"}, …]", mayBeEmpty, this::settlement);
	}

	/** Reads one element; the parser is on its first token. */
	private interface Element<T> {

		T read(JsonParser parser, int index);

	}

	private static <T> List<T> read(byte[] body, String what, String shape, boolean mayBeEmpty, Element<T> element) {
		String where = "the body must be a JSON array of " + what + ", " + shape;
		try {
			JsonValues.requireUtf8(body);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequestException(ex.getMessage());
		}
		List<T> all = new ArrayList<>();
		// from the bytes: the parser's offsets are then byte offsets (the body is UTF-8,
		// checked above, so it cannot be taken for another encoding)
		try (JsonParser parser = JSON.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_ARRAY) {
				throw new InvalidRequestException(where);
			}
			while (parser.nextToken() != JsonToken.END_ARRAY) {
				if (all.size() == MAX_JOBS) {
					throw new InvalidRequestException("a batch may have at most " + MAX_JOBS + " " + what);
				}
				if (parser.currentToken() != JsonToken.START_OBJECT) {
					throw new InvalidRequestException(what + "[" + all.size() + "] must be an object; " + where);
				}
				all.add(element.read(parser, all.size()));
			}
			if (parser.nextToken() != null) {
				throw new InvalidRequestException("the body must be one JSON array; more follows it");
			}
		}
		catch (JacksonException ex) {
			throw new InvalidRequestException(JsonValues.notValid(ex));
		}
		if (all.isEmpty() && !mayBeEmpty) {
			throw new InvalidRequestException("a batch needs at least one of its " + what + "; the array is empty");
		}
		return all;
	}

	private NewJob job(byte[] body, JsonParser parser, int index, TraceContext fromHeaders) {
		String name = "jobs[" + index + "]";
		Payload payload = null;
		String key = null;
		Duration delay = Duration.ZERO;
		String traceparent = null;
		String tracestate = null;
		int priority = Lane.DEFAULT_PRIORITY;
		String group = null;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String field = parser.currentName();
			parser.nextToken();
			switch (field) {
				case "payload" -> payload = payload(body, parser, name);
				case "idempotencyKey" -> {
					key = text(parser, name + ".idempotencyKey");
					if (key.isEmpty() || key.length() > PutOptions.MAX_KEY_LENGTH) {
						throw new InvalidRequestException(
								name + ".idempotencyKey must be 1 to " + PutOptions.MAX_KEY_LENGTH + " characters");
					}
				}
				case "delay" -> {
					Duration parsed = Durations.parse(name + ".delay", durationText(parser, name + ".delay"));
					delay = (parsed != null) ? parsed : Duration.ZERO;
				}
				case "priority" -> priority = priority(parser, name + ".priority");
				case "group" -> group = text(parser, name + ".group");
				case "traceparent" -> traceparent = text(parser, name + ".traceparent");
				case "tracestate" -> tracestate = text(parser, name + ".tracestate");
				default -> throw unknownField(name, field, JOB_FIELDS);
			}
		}
		if (payload == null) {
			throw new InvalidRequestException(name + " has no payload");
		}
		return new NewJob(payload, key, delay, trace(name, traceparent, tracestate, fromHeaders),
				lane(name, priority, group));
	}

	/**
	 * A job's lane; a group it names must be one ({@code ""} is not the default group).
	 */
	private static Lane lane(String name, int priority, String group) {
		try {
			return Lane.of(priority, group);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequestException(name + "." + ex.getMessage());
		}
	}

	/** A job's priority: a whole number of the lane's range. */
	private static int priority(JsonParser parser, String name) {
		if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
				|| parser.getIntValue() < Lane.MIN_PRIORITY || parser.getIntValue() > Lane.MAX_PRIORITY) {
			throw new InvalidRequestException(
					name + " must be a whole number from " + Lane.MIN_PRIORITY + " to " + Lane.MAX_PRIORITY);
		}
		return parser.getIntValue();
	}

	/**
	 * A job's own trace context, which it names on purpose: an invalid one is refused
	 * (unlike a header's, which is ignored). Without one, the request's.
	 */
	private static TraceContext trace(String name, String traceparent, String tracestate, TraceContext fromHeaders) {
		if (traceparent == null) {
			if (tracestate != null) {
				throw new InvalidRequestException(name + ".tracestate goes with a traceparent only");
			}
			return fromHeaders;
		}
		try {
			return new TraceContext(traceparent, tracestate);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequestException(name + "." + ex.getMessage());
		}
	}

	/** The payload's own bytes: the slice of the body its value spans. */
	private Payload payload(byte[] body, JsonParser parser, String name) {
		long start = parser.currentTokenLocation().getByteOffset();
		parser.skipChildren();
		parser.finishToken();
		long end = parser.currentLocation().getByteOffset();
		if (start < 0 || end <= start || end > body.length) {
			throw new IllegalStateException("no byte offsets for " + name + ".payload: " + start + " to " + end);
		}
		if (end - start > this.payloadLimit.bytes()) {
			throw this.payloadLimit.tooLarge(name + ".payload");
		}
		return Payload.of(Arrays.copyOfRange(body, (int) start, (int) end));
	}

	private Settle settlement(JsonParser parser, int index) {
		String name = "settlements[" + index + "]";
		String lease = null;
		String action = null;
		String delay = null;
		String by = null;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String field = parser.currentName();
			parser.nextToken();
			switch (field) {
				case "lease" -> lease = text(parser, name + ".lease");
				case "action" -> action = text(parser, name + ".action");
				case "delay" -> delay = durationText(parser, name + ".delay");
				case "by" -> by = durationText(parser, name + ".by");
				default -> throw unknownField(name, field, SETTLE_FIELDS);
			}
		}
		if (lease == null || lease.isEmpty()) {
			throw new InvalidRequestException(name + " has no lease");
		}
		if (action == null) {
			throw new InvalidRequestException(name + " has no action: ack, nack, extend or release");
		}
		if (!List.of("ack", "nack", "extend", "release").contains(action)) {
			throw new InvalidRequestException(
					name + ".action must be ack, nack, extend or release; got '" + action + "'");
		}
		Duration delayed = Durations.parse(name + ".delay", delay);
		Duration length = Durations.parse(name + ".by", by);
		if (delayed != null && !action.equals("nack")) {
			throw new InvalidRequestException(name + ".delay goes with a nack only");
		}
		if (length != null && !action.equals("extend")) {
			throw new InvalidRequestException(name + ".by goes with an extend only");
		}
		return switch (action) {
			case "ack" -> Settle.ack(lease);
			case "nack" -> Settle.nack(lease, (delayed != null) ? delayed : Duration.ZERO);
			case "extend" -> {
				if (length != null && length.isZero()) {
					throw new InvalidRequestException(name + ".by must be longer than 0");
				}
				yield Settle.extend(lease, length);
			}
			case "release" -> Settle.release(lease);
			default -> throw new InvalidRequestException(
					name + ".action must be ack, nack, extend or release; got '" + action + "'");
		};
	}

	private static String text(JsonParser parser, String name) {
		if (parser.currentToken() != JsonToken.VALUE_STRING) {
			throw new InvalidRequestException(name + " must be a string");
		}
		return parser.getString();
	}

	/** A duration: a string such as "30s", or a number of seconds. */
	private static String durationText(JsonParser parser, String name) {
		JsonToken token = parser.currentToken();
		if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NUMBER_INT
				&& token != JsonToken.VALUE_NUMBER_FLOAT) {
			throw new InvalidRequestException(name + " must be a duration such as \"30s\" or a number of seconds");
		}
		return parser.getString();
	}

	private static InvalidRequestException unknownField(String name, String field, List<String> fields) {
		return new InvalidRequestException("'" + field + "' in " + name + " is not a field; the fields are " + fields);
	}

}
