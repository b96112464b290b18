package dev.dispatch.web.request;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;

import dev.dispatch.queue.job.Lane;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.web.problem.InvalidRequestException;

/**
 * The parameters of the requests that may wait — a put, a batch put, a take, a join — all
 * of each request's read here, in one place, and checked: a bad one is the client's error
 * ({@link InvalidRequestException}), named. Query parameters come from the query string
 * alone ({@link QueryParameters}, and {@link ApiRequest} for those Spring MVC binds); an
 * empty value counts as absent. A wait is read as asked ({@code null}: none named): what
 * it is granted — the default, the cap, the waiter limits — is for the long polls to say
 * ({@code LongPolls.grant}).
 */
public final class PollParameters {

	private PollParameters() {
	}

	/**
	 * A put's parameters.
	 *
	 * @param waiting how long it may wait for room, as asked; {@code null}: not named
	 * @param delay how long after it is accepted the job becomes ready (zero: at once)
	 * @param idempotencyKey its {@code Idempotency-Key}, or {@code null}
	 * @param lane its priority and fairness group
	 */
	public record Put(Duration waiting, Duration delay, String idempotencyKey, Lane lane) {
	}

	/**
	 * A take's parameters.
	 *
	 * @param max most jobs to take
	 * @param waiting how long it may wait for a job, as asked; {@code null}: not named
	 * @param lease how long the jobs are held; {@code null}: the queue's lease timeout
	 * @param autoAck whether the jobs are settled once handed to the connection
	 */
	public record Take(int max, Duration waiting, Duration lease, boolean autoAck) {
	}

	/**
	 * A settle's that also takes: {@code take} (most jobs to take), {@code wait} and
	 * {@code lease}, as a take's; or {@code null} when it names no {@code take} (a plain
	 * batch settle, which then takes neither {@code wait} nor {@code lease}).
	 */
	public static Take settleAndTake(HttpServletRequest request) {
		String take = QueryParameters.first(request, "take");
		Duration wait = waitOf(request);
		Duration lease = Durations.parse("lease", QueryParameters.first(request, "lease"));
		if (take == null) {
			if (wait != null || lease != null) {
				throw new InvalidRequestException("'wait' and 'lease' go with 'take' (a settle that also takes jobs)");
			}
			return null;
		}
		int max = QueryParameters.whole("take", take, 1, TakeOptions.MAX_BATCH, 1);
		if (lease != null && lease.isZero()) {
			throw new InvalidRequestException("'lease' must be longer than 0");
		}
		return new Take(max, wait, lease, false);
	}

	/**
	 * A put's: {@code wait}, {@code delay}, {@code priority} and {@code group}, and its
	 * {@code Idempotency-Key} header as Spring MVC bound it (which also documents it).
	 */
	public static Put put(HttpServletRequest request, String idempotencyKey) {
		Duration delay = Durations.parse("delay", QueryParameters.first(request, "delay"));
		Duration wait = waitOf(request);
		String key = (idempotencyKey != null && !idempotencyKey.isEmpty()) ? idempotencyKey : null;
		int priority = QueryParameters.whole("priority", QueryParameters.first(request, "priority"), Lane.MIN_PRIORITY,
				Lane.MAX_PRIORITY, Lane.DEFAULT_PRIORITY);
		Lane lane = lane("", priority, QueryParameters.first(request, "group"));
		return new Put(wait, (delay != null) ? delay : Duration.ZERO, key, lane);
	}

	/**
	 * A job's lane, its {@code group} named with {@code prefix} in an error ({@code null}
	 * or empty: the default group).
	 */
	public static Lane lane(String prefix, int priority, String group) {
		try {
			return Lane.of(priority, (group != null && !group.isEmpty()) ? group : null);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequestException("'" + prefix + "group' " + ex.getMessage().replaceFirst("^group ", ""));
		}
	}

	/**
	 * A take's: {@code ack}, {@code max}, {@code wait} and {@code lease}, from the query
	 * string (see {@link #requireNoTakeOptionsInBody} for its body).
	 */
	public static Take take(HttpServletRequest request) {
		String ack = QueryParameters.first(request, "ack");
		boolean autoAck = switch ((ack != null) ? ack : "") {
			case "auto" -> true;
			case "manual", "" -> false;
			default -> throw new InvalidRequestException("'ack' must be 'auto' or 'manual'; got '" + ack + "'");
		};
		int max = QueryParameters.whole("max", QueryParameters.first(request, "max"), 1, TakeOptions.MAX_BATCH, 1);
		Duration wait = waitOf(request);
		Duration lease = Durations.parse("lease", QueryParameters.first(request, "lease"));
		if (lease != null && lease.isZero()) {
			throw new InvalidRequestException("'lease' must be longer than 0");
		}
		return new Take(max, wait, lease, autoAck);
	}

	/**
	 * The {@code wait} a request asks for, or {@code null} when it names none: all a
	 * batch put takes (a put's and a take's are read with the rest of theirs).
	 */
	public static Duration waitOf(HttpServletRequest request) {
		return waitOf(QueryParameters.first(request, "wait"));
	}

	/**
	 * A {@code wait} as given ({@code null} or empty: none named): a join's, which Spring
	 * MVC binds, and so documents as the other endpoints' parameters.
	 */
	public static Duration waitOf(String value) {
		return Durations.parse("wait", value);
	}

	/**
	 * Reads a take's body to its end, before the take begins (left unread, it would look
	 * like the client speaking while the take is parked), and refuses one that says
	 * anything: options sent there ({@code {"max": 3}}) would otherwise be silently
	 * ignored. Empty, {@code {}} and {@code null} pass, as clients that always send a
	 * body send them. At most {@link BodyLimit#TAKE}, chunked or not.
	 */
	public static void requireNoTakeOptionsInBody(HttpServletRequest request) {
		byte[] body = RequestBodies.read(request, BodyLimit.TAKE);
		String text = new String(body, StandardCharsets.UTF_8).strip();
		if (!text.isEmpty() && !text.equals("null") && !text.replaceAll("\\s", "").equals("{}")) {
			throw new InvalidRequestException(
					"a take's options go in the query string (?max=3&wait=20s&lease=2m&ack=auto), not in its body;"
							+ " send the body empty");
		}
	}

}
