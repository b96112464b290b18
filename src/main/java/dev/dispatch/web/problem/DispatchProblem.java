package dev.dispatch.web.problem;

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
public class DispatchProblem extends ErrorResponseException {

	/** The prefix of every problem type. */
	public static final String TYPE_PREFIX = "/problems/";

	public DispatchProblem(ProblemType type, String detail) {
		super(type.status(), problem(type.status(), type.slug(), type.title(), detail), null);
	}

	private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_PREFIX + type));
		problem.setTitle(title);
		return problem;
	}

	/** This problem with a {@code Retry-After} header (every 429 and 503 carries one). */
	public DispatchProblem retryAfter(Duration after) {
		getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (after.toMillis() + 999) / 1000)));
		return this;
	}

	public static DispatchProblem queueFull(String queue, Duration retryAfter) {
		return new DispatchProblem(ProblemType.QUEUE_FULL,
				"queue '" + queue + "' stayed full for the whole wait; the job was not accepted")
			.retryAfter(retryAfter);
	}

	public static DispatchProblem batchBeyondCapacity(String queue) {
		return new DispatchProblem(ProblemType.BATCH_BEYOND_CAPACITY,
				"the batch has more new jobs than the capacity" + " of queue '" + queue + "' (GET /v1/queues/" + queue
						+ " shows it): it could never fit; nothing"
						+ " was enqueued. Send it in smaller batches, or raise the capacity");
	}

	public static DispatchProblem storageFull(Duration retryAfter) {
		return new DispatchProblem(ProblemType.STORAGE_FULL,
				"this instance holds as many payload bytes as dispatch.max-held-bytes allows; the job was not accepted")
			.retryAfter(retryAfter);
	}

	public static DispatchProblem queueClosed(String queue) {
		return new DispatchProblem(ProblemType.QUEUE_CLOSED,
				"queue '" + queue + "' is closed and accepts no more jobs");
	}

	public static DispatchProblem queueDrained(String queue) {
		return new DispatchProblem(ProblemType.QUEUE_DRAINED,
				"queue '" + queue + "' is closed and empty; no job will come any more");
	}

	public static DispatchProblem leaseExpired(String queue, String leaseId) {
		return new DispatchProblem(ProblemType.LEASE_EXPIRED,
				"lease '" + leaseId + "' on queue '" + queue + "' is not held any more (settled, expired or unknown)");
	}

	public static DispatchProblem jobNotFound(String queue, String id) {
		return new DispatchProblem(ProblemType.JOB_NOT_FOUND, "queue '" + queue + "' holds no job '" + id
				+ "': it was never put there, was acked, or moved to the dead-letter queue (look there, by the same id)");
	}

	public static DispatchProblem queueNotFound(String queue) {
		return new DispatchProblem(ProblemType.QUEUE_NOT_FOUND, "no queue named '" + queue + "'");
	}

	public static DispatchProblem serverDraining(Duration retryAfter) {
		return new DispatchProblem(ProblemType.SERVER_DRAINING,
				"this instance is shutting down; send the request again (another instance will answer)")
			.retryAfter(retryAfter);
	}

	public static DispatchProblem backendUnavailable(Duration retryAfter) {
		return new DispatchProblem(ProblemType.BACKEND_UNAVAILABLE,
				"the store behind the queues did not answer; send the request again (whether a put without an "
						+ "Idempotency-Key was accepted is unknown)")
			.retryAfter(retryAfter);
	}

	public static DispatchProblem tooManyWaiters(String queue, Duration retryAfter) {
		return new DispatchProblem(ProblemType.TOO_MANY_WAITERS,
				"too many requests are already waiting on queue '" + queue + "' or on this instance")
			.retryAfter(retryAfter);
	}

}
