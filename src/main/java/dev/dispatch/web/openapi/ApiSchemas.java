package dev.dispatch.web.openapi;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.dispatch.queue.QueueNames;
import io.swagger.v3.oas.annotations.media.Schema.AdditionalPropertiesValue;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The API's JSON bodies as the OpenAPI document describes them:
 * {@code dev.dispatch.web.Views} writes them, these classes only describe them (their
 * public fields are what the document shows). They refuse fields they do not name, so
 * {@code OpenApiContractTest} fails when a view gains a field that is not described here.
 */
public final class ApiSchemas {

	/** A W3C {@code traceparent}, as a batch element's field must be written. */
	public static final String TRACEPARENT = "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$";

	/** How a duration in a query parameter is written. */
	public static final String DURATION = "500ms, 30s, 2m, 1h, ISO-8601 (PT30S) or a number of seconds (0, 1.5);"
			+ " empty counts as absent";

	/** A put's, take's or join's wait. */
	public static final String WAIT = DURATION + ". Default dispatch.http.default-wait (20s), at most"
			+ " dispatch.http.max-wait (60s): a longer wait is cut, not refused. 0 never waits.";

	/**
	 * A job's payload: any JSON value (an empty schema), defined in
	 * {@link OpenApiConfiguration}.
	 */
	public static final String PAYLOAD = "#/components/schemas/Payload";

	private ApiSchemas() {
	}

	@Schema(name = "Accepted", description = "A job accepted by a put.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class Accepted {

		@Schema(description = "the job's id, a version 7 UUID", example = "0193a5c2-7d1e-7c3b-9f2a-5b8e4d1c2a10",
				requiredMode = RequiredMode.REQUIRED)
		public String id;

		@Schema(description = "the queue it went to", example = "emails", requiredMode = RequiredMode.REQUIRED)
		public String queue;

		@Schema(description = "when the queue accepted it", example = "2025-06-01T12:00:00.123Z",
				requiredMode = RequiredMode.REQUIRED)
		public Instant enqueuedAt;

		@Schema(description = "when the job becomes ready; only for a put with a delay",
				example = "2025-06-01T12:00:30.123Z")
		public Instant readyAt;

	}

	@Schema(name = "NewJob", description = "One job of a batch put.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class NewJob {

		@Schema(ref = PAYLOAD, requiredMode = RequiredMode.REQUIRED)
		public Object payload;

		@Schema(description = "makes the job safe to send again: a key already accepted on this queue within the"
				+ " dedup window (10 min) creates nothing and answers the original job", example = "order-42",
				minLength = 1, maxLength = 256)
		public String idempotencyKey;

		@Schema(description = "how long after it is accepted the job becomes ready: " + DURATION + ". Default 0.",
				types = { "string", "number" }, example = "30s")
		public Object delay;

		@Schema(description = "the producer's W3C Trace Context, handed back with every delivery of the job;"
				+ " default: the request's traceparent header. An invalid one is refused.",
				example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", pattern = TRACEPARENT)
		public String traceparent;

		@Schema(description = "the vendors' trace state that goes with traceparent (printable ASCII, at most 512"
				+ " characters)", example = "vendor=opaque", maxLength = 512)
		public String tracestate;

		@Schema(description = "1 to 9, higher is served first; default 5", minimum = "1", maximum = "9", example = "7")
		public Integer priority;

		@Schema(description = "the job's fairness group, such as a tenant: within a priority, the groups with"
				+ " ready jobs take turns; default: the default group", maxLength = 128, example = "tenant-42")
		public String group;

	}

	@Schema(name = "AcceptedBatch", description = "The jobs of a batch put, in the batch's order.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class AcceptedBatch {

		@Schema(description = "the queue they went to", example = "emails", requiredMode = RequiredMode.REQUIRED)
		public String queue;

		@Schema(requiredMode = RequiredMode.REQUIRED)
		public List<BatchJob> jobs;

	}

	@Schema(name = "BatchJob", description = "One job of a batch put, as the queue accepted it.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class BatchJob {

		@Schema(description = "the job's id, a version 7 UUID (the original job's, for a repeated key)",
				example = "0193a5c2-7d1e-7c3b-9f2a-5b8e4d1c2a10", requiredMode = RequiredMode.REQUIRED)
		public String id;

		@Schema(description = "when the queue accepted it", example = "2025-06-01T12:00:00.123Z",
				requiredMode = RequiredMode.REQUIRED)
		public Instant enqueuedAt;

		@Schema(description = "when the job becomes ready; only for a job with a delay",
				example = "2025-06-01T12:00:30.123Z")
		public Instant readyAt;

		@Schema(description = "true when its idempotencyKey was already accepted: nothing was created",
				example = "true")
		public Boolean duplicate;

	}

	@Schema(name = "Lease", description = "A job handed to a consumer.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class Lease {

		@Schema(types = { "string", "null" }, example = "Xk3vQ9b1T2uYw8rZ0pLmNg",
				description = "what settles the job: ack, nack, extend; null when taken with ack=auto",
				requiredMode = RequiredMode.REQUIRED)
		public String leaseId;

		@Schema(description = "the job's id", example = "0193a5c2-7d1e-7c3b-9f2a-5b8e4d1c2a10",
				requiredMode = RequiredMode.REQUIRED)
		public String jobId;

		@Schema(ref = PAYLOAD, requiredMode = RequiredMode.REQUIRED)
		public Object payload;

		@Schema(description = "deliveries of the job so far, this one included", minimum = "1", example = "1",
				requiredMode = RequiredMode.REQUIRED)
		public int attempt;

		@Schema(description = "when the job was accepted", example = "2025-06-01T12:00:00.123Z",
				requiredMode = RequiredMode.REQUIRED)
		public Instant enqueuedAt;

		@Schema(types = { "string", "null" }, format = "date-time", example = "2025-06-01T12:02:00.456Z",
				description = "when the lease ends unless settled or extended; null when taken with ack=auto",
				requiredMode = RequiredMode.REQUIRED)
		public Instant leaseExpiresAt;

		@Schema(description = "only for a job taken from a dead-letter queue: where it failed and why")
		public DeadLetter deadLetter;

		@Schema(description = "the producer's W3C Trace Context, as its put carried it; only when it did",
				example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		public String traceparent;

		@Schema(description = "the vendors' trace state that went with traceparent; only when there was one",
				example = "vendor=opaque")
		public String tracestate;

		@Schema(description = "the job's priority, 1 to 9", example = "5", requiredMode = Schema.RequiredMode.REQUIRED)
		public int priority;

		@Schema(description = "the job's fairness group; only when it was put with one", example = "tenant-42")
		public String group;

	}

	@Schema(name = "Job", description = "A job a queue holds, looked up without leasing it.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class Job {

		@Schema(description = "the job's id", example = "0193a5c2-7d1e-7c3b-9f2a-5b8e4d1c2a10",
				requiredMode = RequiredMode.REQUIRED)
		public String id;

		@Schema(description = "the queue that holds it", example = "emails", requiredMode = RequiredMode.REQUIRED)
		public String queue;

		@Schema(allowableValues = { "ready", "delayed", "leased" },
				description = "ready: waiting for a consumer; delayed: put or nacked with a delay, ready at readyAt;"
						+ " leased: held by a consumer until leaseExpiresAt",
				requiredMode = RequiredMode.REQUIRED)
		public String state;

		@Schema(ref = PAYLOAD, requiredMode = RequiredMode.REQUIRED)
		public Object payload;

		@Schema(description = "deliveries so far in this queue", minimum = "0", example = "1",
				requiredMode = RequiredMode.REQUIRED)
		public int attempt;

		@Schema(description = "when it entered this queue", example = "2025-06-01T12:00:00.123Z",
				requiredMode = RequiredMode.REQUIRED)
		public Instant enqueuedAt;

		@Schema(description = "only when delayed: when it becomes ready", example = "2025-06-01T12:00:30.123Z")
		public Instant readyAt;

		@Schema(description = "only when leased: when the lease ends unless settled or extended",
				example = "2025-06-01T12:02:00.456Z")
		public Instant leaseExpiresAt;

		@Schema(description = "only in a dead-letter queue: where it failed and why")
		public DeadLetter deadLetter;

		@Schema(description = "the producer's W3C Trace Context, as its put carried it; only when it did",
				example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		public String traceparent;

		@Schema(description = "the vendors' trace state that went with traceparent; only when there was one",
				example = "vendor=opaque")
		public String tracestate;

		@Schema(description = "the job's priority, 1 to 9", example = "5", requiredMode = Schema.RequiredMode.REQUIRED)
		public int priority;

		@Schema(description = "the job's fairness group; only when it was put with one", example = "tenant-42")
		public String group;

	}

	@Schema(name = "JobPage", description = "A page of a queue's jobs in one state, oldest first.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class JobPage {

		@Schema(requiredMode = RequiredMode.REQUIRED)
		public java.util.List<Job> jobs;

		@Schema(types = { "string", "null" }, description = "pass as `after` for the next page; null on the last",
				example = "0193a5c2-7d1e-7c3b-9f2a-5b8e4d1c2a10", requiredMode = RequiredMode.REQUIRED)
		public String next;

	}

	@Schema(name = "Redriven", description = "What a redrive moved back, where to, and what it left.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class Redriven {

		@Schema(description = "jobs moved back in all", example = "3", requiredMode = RequiredMode.REQUIRED)
		public int moved;

		@Schema(description = "jobs moved, by the queue they went to", example = "{\"emails\": 3}",
				requiredMode = RequiredMode.REQUIRED)
		public Map<String, Integer> queues;

		@Schema(description = "jobs selected but left in the dead-letter queue: their queue had no room or no"
				+ " longer exists, or they were taken meanwhile", example = "0", requiredMode = RequiredMode.REQUIRED)
		public int left;

	}

	@Schema(name = "DeadLetter", description = "Where a dead-lettered job came from, and why it left.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class DeadLetter {

		@Schema(description = "the queue it failed in", example = "emails", requiredMode = RequiredMode.REQUIRED)
		public String queue;

		@Schema(allowableValues = { "max-attempts", "purged" },
				description = "max-attempts: delivered maxAttempts"
						+ " times without an ack; purged: its queue was closed immediately or deleted",
				requiredMode = RequiredMode.REQUIRED)
		public String reason;

		@Schema(description = "deliveries it had there", example = "5", requiredMode = RequiredMode.REQUIRED)
		public int attempts;

	}

	@Schema(name = "QueueHistory",
			description = "A queue's last minutes, oldest sample first (the console charts them). Each sample spans"
					+ " one interval: the jobs put, acked and dead-lettered during it, as this instance saw them (with"
					+ " several replicas, each counts what it handled), and the jobs ready, delayed and in flight at its"
					+ " end. Empty until the first interval has passed.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class QueueHistory {

		@Schema(description = "the queue", example = "emails", requiredMode = RequiredMode.REQUIRED)
		public String queue;

		@Schema(description = "what one sample spans, ISO-8601 (dispatch.history.interval)", example = "PT10S",
				requiredMode = RequiredMode.REQUIRED)
		public String interval;

		@Schema(description = "at most dispatch.history.window / interval of them",
				requiredMode = RequiredMode.REQUIRED)
		public List<HistorySample> samples;

	}

	@Schema(name = "HistorySample", description = "One interval of a queue's history.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class HistorySample {

		@Schema(description = "when the interval ended", example = "2025-06-01T12:05:00.456Z",
				requiredMode = RequiredMode.REQUIRED)
		public Instant at;

		@Schema(description = "jobs put during it", example = "42", requiredMode = RequiredMode.REQUIRED)
		public long put;

		@Schema(description = "jobs acked during it", example = "40", requiredMode = RequiredMode.REQUIRED)
		public long acked;

		@Schema(description = "jobs moved to the dead-letter queue during it", example = "1",
				requiredMode = RequiredMode.REQUIRED)
		public long deadLettered;

		@Schema(description = "jobs ready at its end", example = "12", requiredMode = RequiredMode.REQUIRED)
		public int ready;

		@Schema(description = "jobs delayed at its end", example = "0", requiredMode = RequiredMode.REQUIRED)
		public int delayed;

		@Schema(description = "jobs in flight (leased) at its end", example = "4", requiredMode = RequiredMode.REQUIRED)
		public int inFlight;

	}

	@Schema(name = "LeaseDeadline", description = "A lease's new deadline.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class LeaseDeadline {

		@Schema(description = "when the lease now ends", example = "2025-06-01T12:05:00.456Z",
				requiredMode = RequiredMode.REQUIRED)
		public Instant leaseExpiresAt;

	}

	@Schema(name = "Settlement", description = "One lease to settle in a batch, and how.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class Settlement {

		@Schema(description = "the lease, as a take answered it", example = "Xk3vQ9b1T2uYw8rZ0pLmNg",
				requiredMode = RequiredMode.REQUIRED)
		public String lease;

		@Schema(description = "what to do, as the single endpoints of the same names do",
				allowableValues = { "ack", "nack", "extend", "release" }, requiredMode = RequiredMode.REQUIRED)
		public String action;

		@Schema(description = "a nack's delay: " + DURATION + ". Default 0.", types = { "string", "number" },
				example = "30s")
		public Object delay;

		@Schema(description = "an extension's length: " + DURATION
				+ "; more than 0. Default: the queue's leaseTimeout.", types = { "string", "number" }, example = "5m")
		public Object by;

	}

	@Schema(name = "SettleResults",
			description = "What a batch settle did with each lease, in the order sent; with `take`, and the jobs"
					+ " taken.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class SettleResults {

		@Schema(requiredMode = RequiredMode.REQUIRED)
		public List<SettleResult> results;

		@Schema(description = "only with `take`: the jobs taken, oldest first; empty when none came during the wait")
		public List<Lease> jobs;

		@Schema(description = "only with `take`, and only when true: the queue is closed and no job will come",
				example = "true")
		public Boolean drained;

	}

	@Schema(name = "SettleResult", description = "What a batch settle did with one lease.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class SettleResult {

		@Schema(description = "the lease", example = "Xk3vQ9b1T2uYw8rZ0pLmNg", requiredMode = RequiredMode.REQUIRED)
		public String lease;

		@Schema(description = "what was asked", allowableValues = { "ack", "nack", "extend", "release" },
				requiredMode = RequiredMode.REQUIRED)
		public String action;

		@Schema(description = "done; or lease-expired: the lease was not held any more (settled, expired or never"
				+ " issued), and nothing happened", allowableValues = { "done", "lease-expired" },
				requiredMode = RequiredMode.REQUIRED)
		public String outcome;

		@Schema(description = "an extension's new deadline", example = "2025-06-01T12:05:00.456Z")
		public Instant leaseExpiresAt;

	}

	@Schema(name = "QueueInfo", description = "A queue's settings and state.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class QueueInfo {

		@Schema(description = "the queue's name", example = "emails", requiredMode = RequiredMode.REQUIRED)
		public String name;

		@Schema(description = "most jobs ready or delayed at once; puts wait while it is reached", minimum = "1",
				example = "500", requiredMode = RequiredMode.REQUIRED)
		public int capacity;

		@Schema(description = "how long a take holds its jobs when it names no lease, ISO-8601", example = "PT2M",
				requiredMode = RequiredMode.REQUIRED)
		public String leaseTimeout;

		@Schema(description = "deliveries after which a job goes to the dead-letter queue", minimum = "1",
				example = "5", requiredMode = RequiredMode.REQUIRED)
		public int maxAttempts;

		@Schema(description = "where failed jobs go; absent when they stay in the queue (a dead-letter queue made by"
				+ " its first dead letter has none of its own)", example = "emails.failed")
		public String deadLetterQueue;

		@Schema(description = "most leases held at once by every consumer together; only when the queue has"
				+ " such a limit", minimum = "1", example = "20")
		public Integer maxInFlight;

		@Schema(description = "most jobs delivered per second to every consumer together; only when the queue has"
				+ " such a limit", minimum = "1", example = "50")
		public Integer maxLeasesPerSecond;

		@Schema(description = "most leases held at once of one fairness group's jobs (the default group's too) by"
				+ " every consumer together; only when the queue has such a limit", minimum = "1", example = "2")
		public Integer maxInFlightPerGroup;

		@Schema(description = "fairness groups with ready jobs, the default group among them (on Redis, of the"
				+ " first 1000 in turn order)", example = "3", requiredMode = RequiredMode.REQUIRED)
		public int groups;

		@Schema(description = "the 10 groups with the most ready jobs, most first; only when jobs are ready")
		public List<GroupReady> largestGroups;

		@Schema(description = "whether every ready job is in a group that holds as many leases as"
				+ " maxInFlightPerGroup allows, so that takes wait for one of those leases to end although jobs are"
				+ " ready; only when the queue has that limit", example = "false")
		public Boolean groupLimited;

		@Schema(description = "jobs ready to be taken", example = "12", requiredMode = RequiredMode.REQUIRED)
		public int size;

		@Schema(description = "jobs given back with a delay, not yet ready", example = "1",
				requiredMode = RequiredMode.REQUIRED)
		public int delayed;

		@Schema(description = "jobs leased and not yet settled", example = "4", requiredMode = RequiredMode.REQUIRED)
		public int inFlight;

		@Schema(description = "size + delayed + inFlight: what join waits for", example = "17",
				requiredMode = RequiredMode.REQUIRED)
		public int unfinished;

		@Schema(description = "puts parked, waiting for room", example = "0", requiredMode = RequiredMode.REQUIRED)
		public int waitingPutters;

		@Schema(description = "takes parked, waiting for a job", example = "0", requiredMode = RequiredMode.REQUIRED)
		public int waitingTakers;

		@Schema(description = "closed: accepts no more jobs", example = "false", requiredMode = RequiredMode.REQUIRED)
		public boolean closed;

		@Schema(description = "closed and nothing left: takes answer 410", example = "false",
				requiredMode = RequiredMode.REQUIRED)
		public boolean drained;

		@Schema(description = "delivery paused by an operator: takes get nothing, puts are still accepted",
				example = "false", requiredMode = RequiredMode.REQUIRED)
		public boolean paused;

		@Schema(description = "when the oldest ready job was put; absent when none is ready",
				example = "2025-06-01T12:00:00.123Z")
		public Instant oldestReadyAt;

		@Schema(description = "only in the answer of a close (jobs it moved to the dead-letter queue) or a purge"
				+ " (jobs it threw away)", example = "0")
		public Integer purged;

	}

	@Schema(name = "QueueSettings",
			description = "A queue's settings; each is optional, and an absent one keeps its value (a new queue's:"
					+ " the default). A field not named here is refused.",
			additionalProperties = AdditionalPropertiesValue.FALSE)
	public static final class QueueSettings {

		@Schema(description = "most jobs ready or delayed at once; may grow or shrink while the queue runs",
				minimum = "1", example = "500")
		public Integer capacity;

		@Schema(types = { "string", "number" }, example = "2m", description = "how long a take holds its jobs when it"
				+ " names no lease: a duration (30s, 2m, PT30S) or a number of seconds")
		public Object leaseTimeout;

		@Schema(description = "deliveries after which a job goes to the dead-letter queue", minimum = "1",
				example = "5")
		public Integer maxAttempts;

		@Schema(description = "where failed jobs go; default <queue>.dead; \"\" for nowhere (they stay in the queue)",
				pattern = "^(" + QueueNames.PATTERN + ")?$", example = "emails.failed")
		public String deadLetterQueue;

		@Schema(description = "most leases held at once by every consumer together (on Redis, through every"
				+ " replica): a take while that many are held waits for one to end; 0: no limit (the default)",
				minimum = "0", example = "20")
		public Integer maxInFlight;

		@Schema(description = "most jobs delivered per second to every consumer together (on Redis, through every"
				+ " replica), spread evenly with bursts of at most a tenth of a second's worth: a take the rate does"
				+ " not allow yet waits; 0: no limit (the default)", minimum = "0", example = "50")
		public Integer maxLeasesPerSecond;

		@Schema(description = "most leases held at once of one fairness group's jobs (the default group's too) by"
				+ " every consumer together (on Redis, through every replica): takes pass over a group at its limit,"
				+ " which keeps its turn for when one of its leases ends; 0: no limit (the default)", minimum = "0",
				example = "2")
		public Integer maxInFlightPerGroup;

	}

	/** One group's ready jobs, in a queue's state. */
	@Schema(name = "GroupReady")
	public static final class GroupReady {

		@Schema(description = "the group; absent for the default group", example = "tenant-42")
		public String group;

		@Schema(description = "its ready jobs, at every priority", example = "120",
				requiredMode = RequiredMode.REQUIRED)
		public int ready;

	}

}
