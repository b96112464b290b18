package dev.dispatch.web;

import java.net.URI;
import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An RFC 9457 problem the API answers with. Each case has a stable {@code type}
 * ({@code /problems/queue-full}, …) that clients can rely on; the detail is for people.
 */
class DispatchProblem extends ErrorResponseException {

	/** The prefix of every problem type. */
	static final String TYPE_PREFIX = "/problems/";

	DispatchProblem(HttpStatus status, String type, String title, String detail) {
		super(status, problem(status, type, title, detail), null);
	}

	private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_PREFIX + type));
		problem.setTitle(title);
		return problem;
	}

	/** This problem with a {@code Retry-After} header (every 503 carries one). */
	DispatchProblem retryAfter(Duration after) {
		getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (after.toMillis() + 999) / 1000)));
		return this;
	}

	static DispatchProblem queueFull(String queue, Duration retryAfter) {
		return new DispatchProblem(HttpStatus.SERVICE_UNAVAILABLE, "queue-full", "Queue full",
				"queue '" + queue + "' stayed full for the whole wait; the job was not accepted")
			.retryAfter(retryAfter);
	}

	static DispatchProblem storageFull(Duration retryAfter) {
		return new DispatchProblem(HttpStatus.SERVICE_UNAVAILABLE, "storage-full", "Storage full",
				"this instance holds as many payload bytes as dispatch.max-held-bytes allows; the job was not accepted")
			.retryAfter(retryAfter);
	}

	static DispatchProblem queueClosed(String queue) {
		return new DispatchProblem(HttpStatus.CONFLICT, "queue-closed", "Queue closed",
				"queue '" + queue + "' is closed and accepts no more jobs");
	}

	static DispatchProblem queueDrained(String queue) {
		return new DispatchProblem(HttpStatus.GONE, "queue-drained", "Queue drained",
				"queue '" + queue + "' is closed and empty; no job will come any more");
	}

	static DispatchProblem leaseExpired(String queue, String leaseId) {
		return new DispatchProblem(HttpStatus.GONE, "lease-expired", "Lease not held",
				"lease '" + leaseId + "' on queue '" + queue + "' is not held any more (settled, expired or unknown)");
	}

	static DispatchProblem queueNotFound(String queue) {
		return new DispatchProblem(HttpStatus.NOT_FOUND, "queue-not-found", "Queue not found",
				"no queue named '" + queue + "'");
	}

	static DispatchProblem payloadTooLarge(long limit) {
		return new DispatchProblem(HttpStatus.PAYLOAD_TOO_LARGE, "payload-too-large", "Payload too large",
				"a job's payload may have at most " + limit + " bytes");
	}

	static DispatchProblem serverDraining(Duration retryAfter) {
		return new DispatchProblem(HttpStatus.SERVICE_UNAVAILABLE, "server-draining", "Server draining",
				"this instance is shutting down; send the request again (another instance will answer)")
			.retryAfter(retryAfter);
	}

	static DispatchProblem tooManyWaiters(String queue, Duration retryAfter) {
		return new DispatchProblem(HttpStatus.SERVICE_UNAVAILABLE, "too-many-waiters", "Too many waiting requests",
				"too many requests are already waiting on queue '" + queue + "' or on this instance")
			.retryAfter(retryAfter);
	}

}
