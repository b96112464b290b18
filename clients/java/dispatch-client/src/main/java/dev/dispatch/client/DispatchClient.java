package dev.dispatch.client;

import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of one Dispatch service: puts jobs, takes and settles them, and runs
 * {@link DispatchConsumer consumer loops}. Thread-safe; make one per service and share
 * it.
 *
 * <table>
 * <caption>Operations</caption>
 * <tr>
 * <th>operation</th>
 * <th>answers</th>
 * <th>retried by the client</th>
 * </tr>
 * <tr>
 * <td>{@link #put}, {@link #putBatch}</td>
 * <td>the accepted job(s)</td>
 * <td>yes, on no answer, {@code 429} and {@code 5xx}, honouring {@code Retry-After}, for
 * up to {@code retryTimeout}: always with an idempotency key (the caller's, or one the
 * client makes), so a retry after a lost answer never makes a duplicate</td>
 * </tr>
 * <tr>
 * <td>{@link #take}</td>
 * <td>leases, none (the wait elapsed), or drained</td>
 * <td>no: a loop ({@link DispatchConsumer}, {@link #jobs}) decides</td>
 * </tr>
 * <tr>
 * <td>{@link #settle}, {@link #settleAndTake}</td>
 * <td>an outcome per settlement</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@link Lease#ack()} and the other single settlements</td>
 * <td>nothing, or {@link LeaseExpiredException}</td>
 * <td>no</td>
 * </tr>
 * </table>
 *
 * <p>
 * Every failure is a {@link DispatchException} naming the request and the queue. The
 * blocking calls are safe on virtual threads (they park, and pin no carrier); the
 * {@code …Async} ones answer with a {@link CompletableFuture} and hold no thread while
 * the request is out.
 */
public final class DispatchClient implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(DispatchClient.class.getName());

	private final Http http;

	private final HttpClient httpClient;

	private final Duration putWait;

	private final Duration retryTimeout;

	private final Backoff retryBackoff;

	private final Sleeper sleeper;

	private final Executor blockingExecutor = Executors.newVirtualThreadPerTaskExecutor();

	/**
	 * Whether the service takes jobs in a settle request ({@code settle?take=N}); false
	 * once it has refused the parameter (a service older than the feature).
	 */
	private volatile boolean settleAndTake = true;

	private DispatchClient(Builder builder) {
		// Answers complete on the client's selector thread, not after a hand-off to a
		// pool thread: a blocking call's virtual thread is woken one thread hop sooner.
		// Nothing that blocks runs on it: Http's own steps only read the answer, and the
		// public async calls complete on a virtual thread, where the caller's stages run.
		this.httpClient = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(builder.connectTimeout)
			.executor(Runnable::run)
			.build();
		String authorization = (builder.apiKey != null) ? "Bearer " + builder.apiKey : null;
		this.http = new Http(this.httpClient, builder.baseUrl, authorization, builder.requestTimeout,
				(builder.mapper != null) ? builder.mapper : JsonMapper.builder().build());
		this.putWait = builder.putWait;
		this.retryTimeout = builder.retryTimeout;
		this.retryBackoff = builder.retryBackoff;
		this.sleeper = builder.sleeper;
	}

	/**
	 * A client of the service at {@code baseUrl} ({@code http://host:port}), with
	 * defaults.
	 */
	public static DispatchClient create(String baseUrl) {
		return builder().baseUrl(baseUrl).build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/** The Jackson mapper that writes payloads and binds them. */
	public JsonMapper jsonMapper() {
		return this.http.mapper();
	}

	// ---- producing

	/**
	 * Puts one job whose payload Jackson writes, waiting up to the client's
	 * {@code putWait} for room.
	 * @throws QueueClosedException if the queue is closed
	 * @throws DispatchException if it was not accepted (the queue stayed full, the
	 * service stayed unreachable) within the retry timeout
	 */
	public Accepted put(String queue, Object payload) {
		return put(queue, (payload instanceof NewJob job) ? job : NewJob.of(payload), this.putWait);
	}

	/** Puts one job, waiting up to {@code wait} for room in the queue (per attempt). */
	public Accepted put(String queue, NewJob job, Duration wait) {
		NewJob keyed = withKey(job);
		return retrying(queue, () -> accepted(queue, this.http.send(putCall(queue, keyed, wait)).body()));
	}

	/** {@link #put(String, NewJob, Duration)}, on a virtual thread. */
	public CompletableFuture<Accepted> putAsync(String queue, NewJob job, Duration wait) {
		return CompletableFuture.supplyAsync(() -> put(queue, job, wait), this.blockingExecutor);
	}

	/**
	 * Puts up to 100 jobs as one: all are accepted, in order, or none (the service's
	 * batch put). Retried as {@link #put}, each job with its idempotency key.
	 * @return one entry per job, in order; a job whose key was already known is
	 * {@link Accepted#duplicate()}
	 */
	public List<Accepted> putBatch(String queue, List<NewJob> jobs, Duration wait) {
		if (jobs.isEmpty() || jobs.size() > TakeOptions.MAX_JOBS) {
			throw new IllegalArgumentException("a batch has 1 to " + TakeOptions.MAX_JOBS + " jobs: " + jobs.size());
		}
		List<NewJob> keyed = jobs.stream().map(this::withKey).toList();
		Http.Call call = Http.Call.post(queue, "/v1/queues/" + queue + "/jobs/batch")
			.query("wait", wait)
			.parks(wait)
			.body(batchBody(keyed));
		return retrying(queue, () -> {
			JsonNode answer = this.http.mapper().readTree(this.http.send(call).body());
			List<Accepted> accepted = new ArrayList<>();
			for (JsonNode job : answer.path("jobs")) {
				accepted.add(accepted(queue, job));
			}
			return accepted;
		});
	}

	/** {@link #putBatch}, on a virtual thread. */
	public CompletableFuture<List<Accepted>> putBatchAsync(String queue, List<NewJob> jobs, Duration wait) {
		return CompletableFuture.supplyAsync(() -> putBatch(queue, jobs, wait), this.blockingExecutor);
	}

	// ---- consuming

	/**
	 * Takes jobs: up to {@code options.max()}, waiting up to {@code options.maxWait()}
	 * for the first.
	 * @return the leases; none when the wait elapsed; {@link Taken#drained()} once the
	 * queue is closed and drained
	 * @throws QueueNotFoundException if there is no such queue
	 */
	public Taken take(String queue, TakeOptions options) {
		return taken(queue, () -> this.http.send(takeCall(queue, options)));
	}

	/** {@link #take}, without holding a thread while the take is parked. */
	public CompletableFuture<Taken> takeAsync(String queue, TakeOptions options) {
		return this.http.sendAsync(takeCall(queue, options))
			.handleAsync((answer, failure) -> taken(queue, () -> answerOrThrow(answer, failure)),
					this.blockingExecutor);
	}

	/**
	 * Settles many leases in one request, in order.
	 * @return an outcome per settlement, in order
	 */
	public List<SettleResult> settle(String queue, List<Settlement> settlements) {
		if (settlements.isEmpty()) {
			return List.of();
		}
		JsonNode answer = this.http.mapper().readTree(this.http.send(settleCall(queue, settlements, null)).body());
		return results(settlements, answer.path("results"));
	}

	/**
	 * Settles leases and takes up to {@code take.max()} jobs in one request and one step
	 * of the queue ({@code settle?take=N}): what a consumer loop sends once per round.
	 * Against a service without that endpoint, it sends the settle and then the take.
	 * @param settlements carried out first; may be empty
	 */
	public Taken settleAndTake(String queue, List<Settlement> settlements, TakeOptions take) {
		if (!this.settleAndTake) {
			return settleThenTake(queue, settlements, take);
		}
		Http.Answer answer;
		try {
			answer = this.http.send(settleCall(queue, settlements, take));
		}
		catch (DispatchException ex) {
			if (ex.status() == 400 && ex.detail().contains("'take'")) {
				this.settleAndTake = false;
				LOG.log(Level.INFO, "the service at {0} takes no jobs in a settle request (it is older than that);"
						+ " sending settlements and takes apart", this.http.baseUrl());
				return settleThenTake(queue, settlements, take);
			}
			throw ex;
		}
		JsonNode body = this.http.mapper().readTree(answer.body());
		return new Taken(leases(queue, body.path("jobs")), body.path("drained").asBoolean(false),
				results(settlements, body.path("results")));
	}

	private Taken settleThenTake(String queue, List<Settlement> settlements, TakeOptions take) {
		List<SettleResult> settled = settle(queue, settlements);
		Taken taken = take(queue, take);
		return new Taken(taken.leases(), taken.drained(), settled);
	}

	/** Acks a lease: the job is done. */
	public void ack(String queue, String leaseId) {
		this.http.send(leaseCall(queue, leaseId, "ack"));
	}

	/**
	 * Nacks a lease: the job goes back after {@code delay} (or to the dead-letter queue).
	 */
	public void nack(String queue, String leaseId, Duration delay) {
		this.http.send(leaseCall(queue, leaseId, "nack").query("delay", delay));
	}

	/** Extends a lease to {@code by} from now; null: the queue's lease timeout. */
	public Instant extend(String queue, String leaseId, Duration by) {
		JsonNode answer = this.http.mapper()
			.readTree(this.http.send(leaseCall(queue, leaseId, "extend").query("by", by)).body());
		return Instant.parse(answer.path("leaseExpiresAt").asString());
	}

	/**
	 * Releases a lease: back to the head of the queue at once, the attempt not counted.
	 */
	public void release(String queue, String leaseId) {
		this.http.send(leaseCall(queue, leaseId, "release"));
	}

	/**
	 * The queue's jobs, one at a time, for a {@code for} loop that ends when the queue is
	 * closed and drained. Settle each job; close the iteration to release what it took
	 * but did not hand out.
	 */
	public Jobs jobs(String queue, TakeOptions options) {
		return new Jobs(this, queue, options, this.retryBackoff, this.sleeper);
	}

	/** A consumer loop on {@code queue}, to configure and start. */
	public DispatchConsumerBuilder consumer(String queue, JobHandler handler) {
		return new DispatchConsumerBuilder(this, queue, handler);
	}

	// ---- queues

	/** Creates the queue or changes its settings. */
	public QueueInfo configureQueue(String queue, QueueSettings settings) {
		StringBuilder body = new StringBuilder("{");
		appendField(body, "capacity", settings.capacity());
		appendField(body, "leaseTimeout",
				(settings.leaseTimeout() != null) ? Http.duration(settings.leaseTimeout()) : null);
		appendField(body, "maxAttempts", settings.maxAttempts());
		appendField(body, "deadLetterQueue", settings.deadLetterQueue());
		appendField(body, "maxInFlight", settings.maxInFlight());
		appendField(body, "maxLeasesPerSecond", settings.maxLeasesPerSecond());
		appendField(body, "maxInFlightPerGroup", settings.maxInFlightPerGroup());
		body.append('}');
		Http.Call call = Http.Call.of("PUT", queue, "/v1/queues/" + queue)
			.body(body.toString().getBytes(StandardCharsets.UTF_8));
		return queueInfo(this.http.send(call).body());
	}

	/** The queue's state. */
	public QueueInfo queueInfo(String queue) {
		return queueInfo(this.http.send(Http.Call.of("GET", queue, "/v1/queues/" + queue)).body());
	}

	/**
	 * Closes the queue: it accepts no job any more, and its consumers stop once it is
	 * drained ({@code immediate}: its ready and delayed jobs move to its dead-letter
	 * queue at once).
	 */
	public QueueInfo closeQueue(String queue, boolean immediate) {
		Http.Call call = Http.Call.post(queue, "/v1/queues/" + queue + "/close").query("immediate", immediate);
		return queueInfo(this.http.send(call).body());
	}

	/** Abandons requests still out and frees the connections. */
	@Override
	public void close() {
		this.httpClient.shutdownNow();
	}

	// ---- internals

	/** Whether the service takes jobs in a settle request, as far as the client knows. */
	boolean takesInSettle() {
		return this.settleAndTake;
	}

	private NewJob withKey(NewJob job) {
		return (job.idempotencyKey() != null) ? job : job.withIdempotencyKey("dispatch-client-" + UUID.randomUUID());
	}

	/**
	 * Runs {@code attempt} until it succeeds, a failure is not retryable, or the retry
	 * timeout has passed; between attempts it waits the service's {@code Retry-After}, or
	 * else the retry backoff.
	 */
	private <T> T retrying(String queue, Supplier<T> attempt) {
		Instant deadline = Instant.now().plus(this.retryTimeout);
		for (int failures = 1;; failures++) {
			try {
				return attempt.get();
			}
			catch (DispatchException ex) {
				int failed = failures;
				Duration wait = ex.retryAfter().orElseGet(() -> this.retryBackoff.delay(failed));
				if (!ex.isRetryable() || Instant.now().plus(wait).isAfter(deadline)) {
					throw ex;
				}
				LOG.log(Level.DEBUG, "{0}; trying again in {1} ms", ex.getMessage(), wait.toMillis());
				try {
					this.sleeper.sleep(wait);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	private Http.Call putCall(String queue, NewJob job, Duration wait) {
		Http.Call call = Http.Call.post(queue, "/v1/queues/" + queue + "/jobs")
			.query("wait", wait)
			.query("delay", job.delay())
			.query("priority", job.priority())
			.query("group", job.group())
			.header("Idempotency-Key", job.idempotencyKey())
			.parks(wait);
		if (job.trace() != null) {
			call.header("traceparent", job.trace().traceparent()).header("tracestate", job.trace().tracestate());
		}
		return call.body(payload(job));
	}

	private byte[] payload(NewJob job) {
		return job.rawJson() ? ((String) job.payload()).getBytes(StandardCharsets.UTF_8)
				: this.http.mapper().writeValueAsBytes(job.payload());
	}

	private byte[] batchBody(List<NewJob> jobs) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.write('[');
		for (int i = 0; i < jobs.size(); i++) {
			NewJob job = jobs.get(i);
			body.writeBytes(((i > 0) ? ",{\"payload\":" : "{\"payload\":").getBytes(StandardCharsets.UTF_8));
			body.writeBytes(payload(job));
			// the job's other fields, written as an object of their own and joined after
			// the payload
			StringBuilder rest = new StringBuilder("{");
			appendField(rest, "idempotencyKey", job.idempotencyKey());
			appendField(rest, "delay", (job.delay() != null) ? Http.duration(job.delay()) : null);
			appendField(rest, "priority", job.priority());
			appendField(rest, "group", job.group());
			if (job.trace() != null) {
				appendField(rest, "traceparent", job.trace().traceparent());
				appendField(rest, "tracestate", job.trace().tracestate());
			}
			String fields = rest.substring(1);
			body.writeBytes(((fields.isEmpty() ? "" : ",") + fields + "}").getBytes(StandardCharsets.UTF_8));
		}
		body.write(']');
		return body.toByteArray();
	}

	/**
	 * Appends {@code "name": value} to a JSON object being written, when value is set.
	 */
	private void appendField(StringBuilder object, String name, Object value) {
		if (value == null) {
			return;
		}
		if (!object.isEmpty() && object.charAt(object.length() - 1) != '{') {
			object.append(',');
		}
		object.append('"').append(name).append("\":").append(this.http.mapper().writeValueAsString(value));
	}

	private Accepted accepted(String queue, byte[] answer) {
		return accepted(queue, this.http.mapper().readTree(answer));
	}

	private static Accepted accepted(String queue, JsonNode job) {
		String readyAt = Json.text(job, "readyAt");
		return new Accepted(job.path("id").asString(), queue, Instant.parse(job.path("enqueuedAt").asString()),
				(readyAt != null) ? Instant.parse(readyAt) : null, job.path("duplicate").asBoolean(false));
	}

	private Http.Call takeCall(String queue, TakeOptions options) {
		return Http.Call.post(queue, "/v1/queues/" + queue + "/leases")
			.query("max", options.max())
			.query("wait", options.maxWait())
			.query("lease", options.lease())
			.parks(options.maxWait());
	}

	private Http.Call settleCall(String queue, List<Settlement> settlements, TakeOptions take) {
		StringBuilder body = new StringBuilder("[");
		for (Settlement settlement : settlements) {
			if (body.length() > 1) {
				body.append(',');
			}
			StringBuilder entry = new StringBuilder("{");
			appendField(entry, "lease", settlement.leaseId());
			appendField(entry, "action", settlement.action().wireName());
			if (settlement.duration() != null) {
				appendField(entry, (settlement.action() == Settlement.Action.NACK) ? "delay" : "by",
						Http.duration(settlement.duration()));
			}
			body.append(entry).append('}');
		}
		body.append(']');
		Http.Call call = Http.Call.post(queue, "/v1/queues/" + queue + "/leases/settle");
		if (take != null) {
			call.query("take", take.max()).query("wait", take.maxWait()).query("lease", take.lease());
			call = call.parks(take.maxWait());
		}
		return call.body(body.toString().getBytes(StandardCharsets.UTF_8));
	}

	private static Http.Call leaseCall(String queue, String leaseId, String action) {
		return Http.Call.post(queue, "/v1/queues/" + queue + "/leases/" + leaseId + "/" + action);
	}

	/** A take's answer, or drained for {@code 410 queue-drained}. */
	private Taken taken(String queue, Supplier<Http.Answer> send) {
		try {
			Http.Answer answer = send.get();
			if (answer.status() == 204) {
				return new Taken(List.of(), false, List.of());
			}
			return new Taken(leases(queue, this.http.mapper().readTree(answer.body())), false, List.of());
		}
		catch (DispatchException ex) {
			if (ex.status() == 410 && ex.type().equals("queue-drained")) {
				return new Taken(List.of(), true, List.of());
			}
			throw ex;
		}
	}

	private static Http.Answer answerOrThrow(Http.Answer answer, Throwable failure) {
		if (failure == null) {
			return answer;
		}
		Throwable cause = (failure.getCause() != null) ? failure.getCause() : failure;
		if (cause instanceof DispatchException dispatch) {
			throw dispatch;
		}
		throw new IllegalStateException(cause);
	}

	private List<Lease> leases(String queue, JsonNode envelopes) {
		List<Lease> leases = new ArrayList<>();
		for (JsonNode envelope : envelopes) {
			Job job = Job.of(queue, envelope, this.http.mapper());
			String expires = Json.text(envelope, "leaseExpiresAt");
			leases.add(new ClientLease(this, job, Json.text(envelope, "leaseId"),
					(expires != null) ? Instant.parse(expires) : null));
		}
		return leases;
	}

	private static List<SettleResult> results(List<Settlement> settlements, JsonNode results) {
		List<SettleResult> outcomes = new ArrayList<>();
		for (int i = 0; i < settlements.size(); i++) {
			JsonNode result = results.path(i);
			String expires = Json.text(result, "leaseExpiresAt");
			outcomes.add(new SettleResult(settlements.get(i), "done".equals(Json.text(result, "outcome")),
					(expires != null) ? Instant.parse(expires) : null));
		}
		return outcomes;
	}

	private QueueInfo queueInfo(byte[] answer) {
		JsonNode info = this.http.mapper().readTree(answer);
		return new QueueInfo(info.path("name").asString(), info.path("capacity").asInt(), info.path("size").asInt(),
				info.path("delayed").asInt(), info.path("inFlight").asInt(), info.path("unfinished").asInt(),
				info.path("waitingPutters").asInt(), info.path("waitingTakers").asInt(),
				info.path("closed").asBoolean(), info.path("drained").asBoolean(), info.path("paused").asBoolean(),
				new QueueInfo.Limits(info.path("maxInFlight").asInt(), info.path("maxLeasesPerSecond").asInt(),
						info.path("maxInFlightPerGroup").asInt(), info.path("groupLimited").asBoolean()),
				info.path("groups").asInt());
	}

	/** A lease taken by {@link #take}: each settlement is one request. */
	private record ClientLease(DispatchClient client, Job job, String leaseId, Instant expiresAt) implements Lease {

		@Override
		public void ack() {
			this.client.ack(this.job.queue(), this.leaseId);
		}

		@Override
		public void nack(Duration delay) {
			this.client.nack(this.job.queue(), this.leaseId, delay);
		}

		@Override
		public Instant extend(Duration by) {
			return this.client.extend(this.job.queue(), this.leaseId, by);
		}

		@Override
		public void release() {
			this.client.release(this.job.queue(), this.leaseId);
		}

	}

	/** Settings of a client. */
	public static final class Builder {

		private String baseUrl;

		private String apiKey;

		private Duration connectTimeout = Duration.ofSeconds(5);

		private Duration requestTimeout = Duration.ofSeconds(15);

		private Duration putWait = Duration.ofSeconds(20);

		private Duration retryTimeout = Duration.ofMinutes(1);

		private Backoff retryBackoff = Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(10));

		private JsonMapper mapper;

		private Sleeper sleeper = Sleeper.THREAD;

		private Builder() {
		}

		/** The service: {@code http://host:port} (required). */
		public Builder baseUrl(String baseUrl) {
			Objects.requireNonNull(baseUrl, "baseUrl");
			this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
			return this;
		}

		/** An API key or JWT, sent as {@code Authorization: Bearer}; null: none. */
		public Builder apiKey(String apiKey) {
			this.apiKey = (apiKey != null && !apiKey.isBlank()) ? apiKey : null;
			return this;
		}

		/** How long a connection may take to open (default 5 s). */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = positive(connectTimeout, "connectTimeout");
			return this;
		}

		/**
		 * How long an answer may take beyond the time a request may park on the service
		 * (default 15 s).
		 */
		public Builder requestTimeout(Duration requestTimeout) {
			this.requestTimeout = positive(requestTimeout, "requestTimeout");
			return this;
		}

		/** How long a put waits for room in a full queue, per attempt (default 20 s). */
		public Builder putWait(Duration putWait) {
			this.putWait = Objects.requireNonNull(putWait, "putWait");
			return this;
		}

		/** How long a put is retried before its failure is thrown (default 1 min). */
		public Builder retryTimeout(Duration retryTimeout) {
			this.retryTimeout = Objects.requireNonNull(retryTimeout, "retryTimeout");
			return this;
		}

		/**
		 * The wait between retries when the service sent no {@code Retry-After} (default
		 * 200 ms doubling to 10 s, with jitter).
		 */
		public Builder retryBackoff(Backoff retryBackoff) {
			this.retryBackoff = Objects.requireNonNull(retryBackoff, "retryBackoff");
			return this;
		}

		/** The Jackson mapper for payloads (default: a plain {@link JsonMapper}). */
		public Builder jsonMapper(JsonMapper mapper) {
			this.mapper = mapper;
			return this;
		}

		Builder sleeper(Sleeper sleeper) {
			this.sleeper = sleeper;
			return this;
		}

		public DispatchClient build() {
			if (this.baseUrl == null) {
				throw new IllegalStateException("a DispatchClient needs the service's baseUrl");
			}
			return new DispatchClient(this);
		}

		private static Duration positive(Duration duration, String name) {
			if (duration == null || duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException(name + " must be longer than zero: " + duration);
			}
			return duration;
		}

	}

}
