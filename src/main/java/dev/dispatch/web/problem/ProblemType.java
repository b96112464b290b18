package dev.dispatch.web.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * Dispatch's own problem types: the stable {@code /problems/<slug>} a client can switch
 * on, with their status and when they are answered (which also documents them in the
 * OpenAPI document).
 */
public enum ProblemType {

	// 429, not 503: the client is asked to slow down; a run of 503s would make service
	// meshes and load balancers eject a healthy instance
	QUEUE_FULL("queue-full", HttpStatus.TOO_MANY_REQUESTS, "Queue full",
			"the queue stayed full for the whole wait; the job was not accepted"),

	STORAGE_FULL("storage-full", HttpStatus.SERVICE_UNAVAILABLE, "Storage full",
			"the instance holds dispatch.max-held-bytes of payloads; the job was not accepted"),

	TOO_MANY_WAITERS("too-many-waiters", HttpStatus.SERVICE_UNAVAILABLE, "Too many waiting requests",
			"too many requests are parked on the queue or the instance, and this one could not be answered at once"),

	SERVER_DRAINING("server-draining", HttpStatus.SERVICE_UNAVAILABLE, "Server draining",
			"the instance is shutting down; send the request again"),

	BACKEND_UNAVAILABLE("backend-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Backend unavailable",
			"the store behind the queues (Redis) did not answer; send the request again (a put with an "
					+ "Idempotency-Key is safe to repeat)"),

	QUEUE_CLOSED("queue-closed", HttpStatus.CONFLICT, "Queue closed", "the queue is closed and accepts no jobs"),

	TOO_MANY_QUEUES("too-many-queues", HttpStatus.CONFLICT, "Too many queues",
			"creating the queue would pass dispatch.max-queues"),

	QUEUE_DRAINED("queue-drained", HttpStatus.GONE, "Queue drained",
			"the queue is closed and empty: no job will come any more"),

	LEASE_EXPIRED("lease-expired", HttpStatus.GONE, "Lease not held",
			"the lease is not held any more (settled, expired or never issued)"),

	// answered by the security layer (dev.dispatch.security.SecurityProblems), listed
	// here
	// for the API document
	UNAUTHORIZED("unauthorized", HttpStatus.UNAUTHORIZED, "Unauthorized",
			"no credential, or a malformed, unknown, revoked or expired one (when credentials are configured);"
					+ " WWW-Authenticate says which"),

	FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Forbidden",
			"the caller's roles and queue patterns do not allow this request"),

	QUEUE_NOT_FOUND("queue-not-found", HttpStatus.NOT_FOUND, "Queue not found", "no queue by that name"),

	JOB_NOT_FOUND("job-not-found", HttpStatus.NOT_FOUND, "Job not found",
			"the queue holds no job by that id: it was never put there, was acked, or moved to the dead-letter"
					+ " queue (look there, by the same id)"),

	INVALID_REQUEST("invalid-request", HttpStatus.BAD_REQUEST, "Invalid request",
			"a bad parameter, name, setting or body; the detail says which"),

	PAYLOAD_TOO_LARGE("payload-too-large", HttpStatus.PAYLOAD_TOO_LARGE, "Payload too large",
			"the body is larger than its limit (a payload: dispatch.http.max-payload-size; a batch put:"
					+ " dispatch.http.max-batch-size, and each of its payloads max-payload-size; other bodies: a"
					+ " fixed limit, settle-body, settings-body or take-body); the members limit and maxBytes say"
					+ " which, and its value"),

	BATCH_BEYOND_CAPACITY("batch-beyond-capacity", HttpStatus.PAYLOAD_TOO_LARGE, "Batch beyond capacity",
			"the batch has more new jobs than the queue's capacity: it could never fit, however long it waited;"
					+ " nothing was enqueued (split it, or raise the capacity)"),

	INTERNAL_ERROR("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
			"a server fault, logged; never a stack trace");

	private final String slug;

	private final HttpStatus status;

	private final String title;

	private final String when;

	ProblemType(String slug, HttpStatus status, String title, String when) {
		this.slug = slug;
		this.status = status;
		this.title = title;
		this.when = when;
	}

	public String slug() {
		return this.slug;
	}

	public HttpStatus status() {
		return this.status;
	}

	public String title() {
		return this.title;
	}

	/** When it is answered, for people reading the API document. */
	public String when() {
		return this.when;
	}

	/**
	 * The slug of a problem the framework or the container reports by status alone (not
	 * one of these types).
	 */
	public static String slugOf(HttpStatusCode status) {
		return switch (status.value()) {
			case 400 -> INVALID_REQUEST.slug();
			case 404 -> "not-found";
			case 405 -> "method-not-allowed";
			case 406 -> "not-acceptable";
			case 413 -> PAYLOAD_TOO_LARGE.slug();
			case 415 -> "unsupported-media-type";
			case 503 -> "unavailable";
			default -> (status.is4xxClientError()) ? "client-error" : INTERNAL_ERROR.slug();
		};
	}

}
