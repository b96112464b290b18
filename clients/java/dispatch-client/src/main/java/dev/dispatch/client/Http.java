package dev.dispatch.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client's HTTP: one request, one answer or one {@link DispatchException}. Requests
 * go out over HTTP/1.1 keep-alive connections of one {@link HttpClient}; a request that
 * may park on the service (a put or take with a wait) gets that wait on top of its
 * timeout. A blocking call parks a virtual thread rather than pinning its carrier.
 */
final class Http {

	private final HttpClient client;

	private final String baseUrl;

	private final String authorization;

	private final Duration requestTimeout;

	private final JsonMapper mapper;

	Http(HttpClient client, String baseUrl, String authorization, Duration requestTimeout, JsonMapper mapper) {
		this.client = client;
		this.baseUrl = baseUrl;
		this.authorization = authorization;
		this.requestTimeout = requestTimeout;
		this.mapper = mapper;
	}

	String baseUrl() {
		return this.baseUrl;
	}

	JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Sends the call and waits for its answer: a 2xx, or a {@link DispatchException}.
	 * Interrupted, the request is abandoned (its connection closed, which withdraws a
	 * parked request on the service) and the interrupt kept.
	 */
	Answer send(Call call) {
		CompletableFuture<Answer> answer = sendAsync(call);
		try {
			return answer.get();
		}
		catch (InterruptedException ex) {
			answer.cancel(true);
			Thread.currentThread().interrupt();
			throw unreachable(call, "interrupted", ex);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof DispatchException failure) ? failure
					: unreachable(call, ex.getCause().toString(), ex.getCause());
		}
	}

	/**
	 * Sends the call; the future completes with a 2xx answer, or exceptionally with a
	 * {@link DispatchException}. Cancelling it abandons the request.
	 */
	CompletableFuture<Answer> sendAsync(Call call) {
		HttpRequest.Builder request = HttpRequest.newBuilder(call.uri(this.baseUrl))
			.timeout(this.requestTimeout.plus(call.parks()))
			.header("Accept", "application/json, application/problem+json");
		if (this.authorization != null) {
			request.header("Authorization", this.authorization);
		}
		call.headers().forEach(request::header);
		if (call.body() != null) {
			request.header("Content-Type", "application/json");
			request.method(call.method(), HttpRequest.BodyPublishers.ofByteArray(call.body()));
		}
		else {
			request.method(call.method(), HttpRequest.BodyPublishers.noBody());
		}
		CompletableFuture<HttpResponse<byte[]>> sent = this.client.sendAsync(request.build(),
				HttpResponse.BodyHandlers.ofByteArray());
		CompletableFuture<Answer> answer = sent.handle((response, failure) -> {
			if (failure != null) {
				throw unreachable(call, failure);
			}
			Answer received = new Answer(response.statusCode(), response.headers(), response.body());
			if (received.status() >= 300) {
				throw problem(call, received);
			}
			return received;
		});
		// cancelling the caller's future cancels the exchange (it closes the connection)
		answer.whenComplete((ignored, failure) -> {
			if (failure instanceof CancellationException) {
				sent.cancel(true);
			}
		});
		return answer;
	}

	private DispatchException unreachable(Call call, Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		String what = (cause instanceof HttpTimeoutException) ? "no answer within the request's timeout"
				: (cause instanceof IOException) ? "connection failed: " + cause : cause.toString();
		return unreachable(call, what, cause);
	}

	private static DispatchException unreachable(Call call, String what, Throwable cause) {
		return new DispatchException(new DispatchException.Problem(call.describe(), call.queue(),
				DispatchException.UNREACHABLE, "unreachable", what, null), cause);
	}

	private DispatchException problem(Call call, Answer answer) {
		String type = "unknown";
		String detail = "";
		try {
			JsonNode body = this.mapper.readTree(answer.body());
			String typeUri = body.path("type").asString("");
			type = typeUri.isEmpty() ? type : typeUri.substring(typeUri.lastIndexOf('/') + 1);
			detail = body.path("detail").asString(body.path("title").asString(""));
		}
		catch (RuntimeException ex) {
			detail = new String(answer.body(), StandardCharsets.UTF_8).strip();
		}
		DispatchException.Problem problem = new DispatchException.Problem(call.describe(), call.queue(),
				answer.status(), type, detail, retryAfter(answer.headers()));
		return switch (answer.status()) {
			case 401, 403 -> new DispatchRefusedException(problem);
			case 404 -> type.equals("queue-not-found") ? new QueueNotFoundException(problem)
					: new DispatchException(problem, null);
			case 409 ->
				type.equals("queue-closed") ? new QueueClosedException(problem) : new DispatchException(problem, null);
			case 410 -> type.equals("lease-expired") ? new LeaseExpiredException(problem)
					: new DispatchException(problem, null);
			default -> new DispatchException(problem, null);
		};
	}

	/**
	 * A {@code Retry-After} in seconds or as an HTTP date; null when absent or
	 * unreadable.
	 */
	static Duration retryAfter(HttpHeaders headers) {
		String value = headers.firstValue("Retry-After").orElse(null);
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
		}
		catch (NumberFormatException ex) {
			try {
				Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
				Duration until = Duration.between(Instant.now(), at);
				return until.isNegative() ? Duration.ZERO : until;
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
	}

	/** A duration as the service reads it: whole milliseconds ({@code 1500ms}). */
	static String duration(Duration duration) {
		return duration.toMillis() + "ms";
	}

	/** A successful answer. */
	record Answer(int status, HttpHeaders headers, byte[] body) {
	}

	/**
	 * One request: its method, path under the base URL, query (in order, values
	 * unencoded), body (JSON, or null for none), extra headers, the queue it is about
	 * (for errors), and how long it may park on the service.
	 */
	record Call(String method, String path, Map<String, String> query, byte[] body, Map<String, String> headers,
			String queue, Duration parks) {

		static Call post(String queue, String path) {
			return new Call("POST", path, new LinkedHashMap<>(), null, new LinkedHashMap<>(), queue, Duration.ZERO);
		}

		static Call of(String method, String queue, String path) {
			return new Call(method, path, new LinkedHashMap<>(), null, new LinkedHashMap<>(), queue, Duration.ZERO);
		}

		Call query(String name, Object value) {
			if (value != null) {
				this.query.put(name, (value instanceof Duration d) ? duration(d) : value.toString());
			}
			return this;
		}

		Call header(String name, String value) {
			if (value != null) {
				this.headers.put(name, value);
			}
			return this;
		}

		Call body(byte[] json) {
			return new Call(this.method, this.path, this.query, json, this.headers, this.queue, this.parks);
		}

		Call parks(Duration wait) {
			return new Call(this.method, this.path, this.query, this.body, this.headers, this.queue,
					(wait != null) ? wait : Duration.ZERO);
		}

		URI uri(String baseUrl) {
			StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
			this.query
				.forEach((name, value) -> query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
			return URI.create(baseUrl + this.path + query);
		}

		String describe() {
			return this.method + " " + this.path;
		}

	}

}
