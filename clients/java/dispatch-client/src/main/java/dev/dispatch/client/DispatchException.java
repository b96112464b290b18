package dev.dispatch.client;

import java.time.Duration;
import java.util.Optional;

/**
 * A request to Dispatch that did not do what was asked: the service answered with a
 * problem ({@code application/problem+json}), or could not be reached. The message names
 * the request and the queue, the status and the problem's type and detail.
 *
 * <p>
 * {@link #isRetryable()} tells whether the same request may succeed later: the service
 * could not be reached or timed out, asked the client to slow down ({@code 429}), or is
 * busy, restarting or without its backend ({@code 5xx}). {@link #retryAfter()} is the
 * service's {@code Retry-After}, when it sent one: a client waits that long before it
 * asks again.
 */
public class DispatchException extends RuntimeException {

	/** The status of a request that got no answer: the service could not be reached. */
	public static final int UNREACHABLE = 0;

	private final int status;

	private final String type;

	private final String detail;

	private final String queue;

	private final String request;

	private final Duration retryAfter;

	DispatchException(Problem problem, Throwable cause) {
		super(message(problem), cause);
		this.status = problem.status();
		this.type = problem.type();
		this.detail = problem.detail();
		this.queue = problem.queue();
		this.request = problem.request();
		this.retryAfter = problem.retryAfter();
	}

	/**
	 * The HTTP status the service answered, or {@link #UNREACHABLE} (0) when it could not
	 * be reached or did not answer in time.
	 */
	public int status() {
		return this.status;
	}

	/**
	 * The problem's type without its path: {@code queue-full}, {@code lease-expired},
	 * {@code unauthorized}, …; {@code unreachable} when there was no answer, and
	 * {@code unknown} for an answer that was not a problem document.
	 */
	public String type() {
		return this.type;
	}

	/** The problem's detail, as the service wrote it, or a description of the failure. */
	public String detail() {
		return this.detail;
	}

	/** The queue the request was about, or null for one about no queue. */
	public String queue() {
		return this.queue;
	}

	/** The request: method and path, such as {@code POST /v1/queues/emails/jobs}. */
	public String request() {
		return this.request;
	}

	/** The service's {@code Retry-After}, when it sent one. */
	public Optional<Duration> retryAfter() {
		return Optional.ofNullable(this.retryAfter);
	}

	/** Whether the same request may succeed if sent again later. */
	public boolean isRetryable() {
		return this.status == UNREACHABLE || this.status == 429 || this.status >= 500;
	}

	private static String message(Problem problem) {
		StringBuilder message = new StringBuilder(problem.request());
		if (problem.queue() != null) {
			message.append(" (queue ").append(problem.queue()).append(')');
		}
		message.append(": ");
		if (problem.status() == UNREACHABLE) {
			message.append("no answer: ");
		}
		else {
			message.append(problem.status()).append(' ').append(problem.type()).append(": ");
		}
		message.append(problem.detail());
		if (problem.retryAfter() != null) {
			message.append(" (retry after ").append(problem.retryAfter().toMillis()).append(" ms)");
		}
		return message.toString();
	}

	/** What went wrong with one request. */
	record Problem(String request, String queue, int status, String type, String detail, Duration retryAfter) {
	}

}
