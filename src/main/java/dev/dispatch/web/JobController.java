package dev.dispatch.web;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.dispatch.queue.job.JobInfo;
import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.web.openapi.ApiSchemas;
import dev.dispatch.web.openapi.Problems;
import dev.dispatch.web.poll.Grant;
import dev.dispatch.web.poll.LongPolls;
import dev.dispatch.web.poll.ParkedRequest;
import dev.dispatch.web.poll.Reattempt;
import dev.dispatch.web.problem.DispatchProblem;
import dev.dispatch.web.problem.InvalidRequestException;
import dev.dispatch.web.problem.ProblemType;
import dev.dispatch.web.request.BatchReader;
import dev.dispatch.web.request.PayloadReader;
import dev.dispatch.web.request.PollParameters;
import dev.dispatch.web.request.TraceHeaders;
import dev.dispatch.web.request.QueryParameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/** Producers' endpoint: put a job, waiting for room as long as the request allows. */
@RestController
@Tag(name = "jobs")
class JobController {

	private final QueueRegistry registry;

	private final PayloadReader payloads;

	private final LongPolls polls;

	private final BatchReader batches;

	JobController(QueueRegistry registry, PayloadReader payloads, LongPolls polls, BatchReader batches) {
		this.registry = registry;
		this.payloads = payloads;
		this.polls = polls;
		this.batches = batches;
	}

	/** Puts the body as a job. */
	@PostMapping(Routes.JOBS)
	@Operation(operationId = "putJob", summary = "Put a job",
			description = "Puts the body as a job, waiting up to `wait` for room in the queue; the oldest parked"
					+ " put gets room first. An unknown queue is created with the defaults when"
					+ " dispatch.auto-create is on (404 otherwise).")
	@RequestBody(required = true,
			description = "the job's payload: one JSON value of any kind, at most dispatch.http.max-payload-size"
					+ " (256 KiB) of UTF-8, kept byte for byte; read as JSON whatever the Content-Type",
			content = @Content(mediaType = "application/json", schema = @Schema(ref = ApiSchemas.PAYLOAD),
					examples = @ExampleObject(name = "an email to send",
							value = "{\"to\": \"ada@example.org\", \"template\": \"welcome\"}")))
	@ApiResponse(responseCode = "201", description = "accepted",
			headers = @Header(name = "Location", description = "the job's path", required = true,
					schema = @Schema(type = "string", format = "uri-reference",
							example = "/v1/queues/emails/jobs/0193a5c2-7d1e-7c3b-9f2a-5b8e4d1c2a10")),
			content = @Content(schema = @Schema(implementation = ApiSchemas.Accepted.class)))
	@ApiResponse(responseCode = "200",
			description = "the Idempotency-Key was accepted on this queue within the dedup window (10 min):"
					+ " nothing was created; the original job",
			headers = @Header(name = "Location", description = "the original job's path", required = true,
					schema = @Schema(type = "string", format = "uri-reference")),
			content = @Content(schema = @Schema(implementation = ApiSchemas.Accepted.class)))
	@Problems({ ProblemType.QUEUE_FULL, ProblemType.STORAGE_FULL, ProblemType.TOO_MANY_WAITERS,
			ProblemType.SERVER_DRAINING, ProblemType.QUEUE_CLOSED, ProblemType.TOO_MANY_QUEUES,
			ProblemType.QUEUE_NOT_FOUND, ProblemType.PAYLOAD_TOO_LARGE })
	@Parameter(name = "wait", in = ParameterIn.QUERY, description = "how long to wait for room: " + ApiSchemas.WAIT,
			schema = @Schema(type = "string"), example = "5s")
	@Parameter(name = "delay", in = ParameterIn.QUERY,
			description = "how long after it is accepted the job becomes ready: " + ApiSchemas.DURATION
					+ ". It takes room in the queue meanwhile, and joins the tail of the queue when due. Default 0.",
			schema = @Schema(type = "string"), example = "30s")
	@Parameter(name = "priority", in = ParameterIn.QUERY,
			description = "1 to 9, higher is served first (default 5); FIFO within a priority and group",
			schema = @Schema(type = "integer", minimum = "1", maximum = "9"), example = "7")
	@Parameter(name = "group", in = ParameterIn.QUERY,
			description = "the job's fairness group, such as a tenant: within a priority, the groups with ready jobs"
					+ " take turns. 1 to 128 characters; none: the default group",
			schema = @Schema(type = "string", maxLength = 128), example = "tenant-42")
	@Parameter(name = "Idempotency-Key", in = ParameterIn.HEADER,
			description = "makes the put safe to repeat: a key already accepted on this queue within the dedup window"
					+ " creates nothing and answers 200 with the original job",
			example = "order-42")
	@Parameter(name = "traceparent", in = ParameterIn.HEADER,
			description = "the producer's W3C Trace Context, kept with the job and handed back with every delivery"
					+ " (an invalid one is ignored, as the specification asks)",
			schema = @Schema(type = "string"), example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	@Parameter(name = "tracestate", in = ParameterIn.HEADER,
			description = "the vendors' trace state that goes with traceparent", schema = @Schema(type = "string"),
			example = "vendor=opaque")
	DeferredResult<ResponseEntity<?>> put(@PathVariable String queue,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
			HttpServletRequest request) {
		this.polls.refuseIfDraining();
		Payload payload = this.payloads.read(request);
		PollParameters.Put asked = PollParameters.put(request, idempotencyKey);
		Grant grant = this.polls.grant(request, queue, asked.waiting());
		PutOptions options = new PutOptions(grant.granted(), asked.idempotencyKey(), asked.delay(),
				TraceHeaders.of(request), asked.lane());
		Reattempt<PutOutcome> put = Reattempt.of(this.registry.obtain(queue), (target) -> target.put(payload, options));
		return this.polls.park(new ParkedPut(grant) {

			@Override
			protected ResponseEntity<?> answer(PutOutcome outcome) {
				return accepted(queue, outcome, options.delay(), limited());
			}

		}, put);
	}

	@PostMapping(Routes.JOB_BATCH)
	@Operation(operationId = "putJobs", summary = "Put a batch of jobs",
			description = "Puts up to " + BatchReader.MAX_JOBS + " jobs as one put: all of them are accepted, in"
					+ " their order, or none is. The batch waits up to `wait` for room for all its new jobs, in the"
					+ " line of parked puts like a single put; one with more new jobs than the queue's capacity"
					+ " could never fit and answers 413 batch-beyond-capacity when tried (at once, unless puts"
					+ " are parked ahead of it). A job whose idempotencyKey the queue already knows (or that"
					+ " repeats the key of an earlier job of the batch) creates nothing and answers the original"
					+ " job. The body is read whole first: one bad job refuses the batch.")
	@RequestBody(required = true,
			description = "the jobs, 1 to " + BatchReader.MAX_JOBS
					+ "; the body at most dispatch.http.max-batch-size (1 MiB), each payload at most"
					+ " dispatch.http.max-payload-size, kept byte for byte",
			content = @Content(mediaType = "application/json",
					array = @ArraySchema(schema = @Schema(implementation = ApiSchemas.NewJob.class), minItems = 1,
							maxItems = BatchReader.MAX_JOBS),
					examples = @ExampleObject(name = "two emails, one of them later",
							value = "[{\"payload\": {\"to\": \"ada@example.org\"}, \"idempotencyKey\": \"order-42\"},"
									+ " {\"payload\": {\"to\": \"alan@example.org\"}, \"delay\": \"30s\"}]")))
	@ApiResponse(responseCode = "201", description = "all accepted: the jobs, in the batch's order",
			content = @Content(schema = @Schema(implementation = ApiSchemas.AcceptedBatch.class)))
	@ApiResponse(responseCode = "200",
			description = "every job repeated a known idempotencyKey: nothing was created; the original jobs",
			content = @Content(schema = @Schema(implementation = ApiSchemas.AcceptedBatch.class)))
	@Problems({ ProblemType.QUEUE_FULL, ProblemType.STORAGE_FULL, ProblemType.TOO_MANY_WAITERS,
			ProblemType.SERVER_DRAINING, ProblemType.QUEUE_CLOSED, ProblemType.TOO_MANY_QUEUES,
			ProblemType.QUEUE_NOT_FOUND, ProblemType.PAYLOAD_TOO_LARGE, ProblemType.BATCH_BEYOND_CAPACITY })
	@Parameter(name = "wait", in = ParameterIn.QUERY, description = "how long to wait for room: " + ApiSchemas.WAIT,
			schema = @Schema(type = "string"), example = "5s")
	DeferredResult<ResponseEntity<?>> putAll(@PathVariable String queue, HttpServletRequest request) {
		this.polls.refuseIfDraining();
		List<NewJob> jobs = this.batches.jobs(request, TraceHeaders.of(request));
		Grant grant = this.polls.grant(request, queue, PollParameters.waitOf(request));
		Reattempt<PutOutcome> put = Reattempt.of(this.registry.obtain(queue),
				(target) -> target.putAll(jobs, grant.granted()));
		return this.polls.park(new ParkedPut(grant) {

			@Override
			protected ResponseEntity<?> answer(PutOutcome outcome) {
				return acceptedBatch(queue, jobs, outcome, limited());
			}

		}, put);
	}

	/** Most jobs one page lists. */
	static final int MAX_PAGE = 1000;

	@GetMapping(Routes.JOBS)
	@Operation(operationId = "listJobs", summary = "List a queue's jobs",
			description = "The jobs in one state, oldest first (by creation: job ids sort so), without leasing"
					+ " them, a page at a time: pass the answer's `next` as `after` for the following page. Pages"
					+ " stay correct while the queue moves: no job in that state is listed twice or skipped,"
					+ " though one may change state between two pages.")
	@ApiResponse(responseCode = "200", description = "a page of jobs, and the cursor of the next",
			content = @Content(schema = @Schema(implementation = ApiSchemas.JobPage.class)))
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	@Parameter(name = "state", in = ParameterIn.QUERY, description = "which jobs",
			schema = @Schema(type = "string", allowableValues = { "ready", "delayed", "leased" },
					defaultValue = "ready"))
	@Parameter(name = "limit", in = ParameterIn.QUERY, description = "most jobs on the page",
			schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "" + MAX_PAGE,
					defaultValue = "50"))
	@Parameter(name = "after", in = ParameterIn.QUERY,
			description = "the previous page's `next`: list the jobs after it", schema = @Schema(type = "string"))
	Views.JobPage jobs(@PathVariable String queue, @RequestParam(defaultValue = "ready") String state,
			@RequestParam(name = "limit", required = false) String limited,
			@RequestParam(required = false) String after) {
		int limit = QueryParameters.whole("limit", limited, 1, MAX_PAGE, 50);
		JobInfo.State which = switch (state) {
			case "ready" -> JobInfo.State.READY;
			case "delayed" -> JobInfo.State.DELAYED;
			case "leased" -> JobInfo.State.LEASED;
			default ->
				throw new InvalidRequestException("'state' must be ready, delayed or leased; got '" + state + "'");
		};
		// one more than asked: whether there is a next page
		List<JobInfo> found = this.registry.require(queue)
			.jobs(which, (after != null && !after.isEmpty()) ? after : null, limit + 1)
			.join();
		List<JobInfo> page = found.subList(0, Math.min(limit, found.size()));
		return new Views.JobPage(page.stream().map((job) -> Views.Job.of(queue, job)).toList(),
				(found.size() > limit) ? page.getLast().id() : null);
	}

	@GetMapping(Routes.JOB)
	@Operation(operationId = "getJob", summary = "Look a job up",
			description = "The job's state (ready, delayed until, leased until), attempts and payload, without"
					+ " leasing it: where a put's Location leads. A job that was acked is gone (404); one that"
					+ " moved to the dead-letter queue is found there, by the same id, with where it failed and why.")
	@ApiResponse(responseCode = "200", description = "the job",
			content = @Content(schema = @Schema(implementation = ApiSchemas.Job.class)))
	@Problems({ ProblemType.JOB_NOT_FOUND, ProblemType.QUEUE_NOT_FOUND })
	Views.Job job(@PathVariable String queue, @PathVariable String id) {
		return this.registry.require(queue)
			.job(id)
			.join()
			.map((job) -> Views.Job.of(queue, job))
			.orElseThrow(() -> DispatchProblem.jobNotFound(queue, id));
	}

	/**
	 * A put or a batch put waiting for room. Cut short (by shutdown, or by the backstop
	 * timeout), it answers server-draining or queue-full.
	 */
	private abstract class ParkedPut extends ParkedRequest<PutOutcome> {

		ParkedPut(Grant grant) {
			super(grant);
		}

		@Override
		protected Object cutShort() {
			return JobController.this.polls.isDraining()
					? DispatchProblem.serverDraining(JobController.this.polls.retryAfter())
					: DispatchProblem.queueFull(queue(), JobController.this.polls.retryAfter());
		}

	}

	private ResponseEntity<?> accepted(String queue, PutOutcome outcome, Duration delay, boolean limited) {
		if (!(outcome instanceof PutOutcome.Accepted accepted)) {
			throw refusal(queue, outcome, limited);
		}
		// a repeated key answers the original job, whose delay is not known here
		return ResponseEntity.status(accepted.duplicate() ? HttpStatus.OK : HttpStatus.CREATED)
			.location(URI.create("/v1/queues/" + queue + "/jobs/" + accepted.jobId()))
			.contentType(MediaType.APPLICATION_JSON)
			.body(new Views.Accepted(accepted.jobId(), queue, accepted.enqueuedAt(),
					(delay.isPositive() && !accepted.duplicate()) ? accepted.enqueuedAt().plus(delay) : null));
	}

	private ResponseEntity<?> acceptedBatch(String queue, List<NewJob> jobs, PutOutcome outcome, boolean limited) {
		if (!(outcome instanceof PutOutcome.AcceptedAll all)) {
			throw refusal(queue, outcome, limited);
		}
		List<Views.BatchJob> answered = new ArrayList<>(jobs.size());
		boolean created = false;
		for (int i = 0; i < jobs.size(); i++) {
			PutOutcome.Accepted accepted = all.jobs().get(i);
			Duration delay = jobs.get(i).delay();
			created |= !accepted.duplicate();
			answered.add(new Views.BatchJob(accepted.jobId(), accepted.enqueuedAt(),
					(delay.isPositive() && !accepted.duplicate()) ? accepted.enqueuedAt().plus(delay) : null,
					accepted.duplicate() ? Boolean.TRUE : null));
		}
		return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
			.contentType(MediaType.APPLICATION_JSON)
			.body(new Views.AcceptedBatch(queue, answered));
	}

	/** The problem a refused put (or batch) answers. */
	private DispatchProblem refusal(String queue, PutOutcome outcome, boolean limited) {
		return switch (outcome) {
			case PutOutcome.Full full when full.beyondCapacity() -> DispatchProblem.batchBeyondCapacity(queue);
			case PutOutcome.Full full -> limited ? DispatchProblem.tooManyWaiters(queue, this.polls.retryAfter())
					: DispatchProblem.queueFull(queue, this.polls.retryAfter());
			case PutOutcome.Closed closed -> DispatchProblem.queueClosed(queue);
			case PutOutcome.StorageFull storageFull -> DispatchProblem.storageFull(this.polls.retryAfter());
			case PutOutcome.Accepted accepted -> throw new IllegalStateException("not a refusal: " + outcome);
			case PutOutcome.AcceptedAll accepted -> throw new IllegalStateException("not a refusal: " + outcome);
		};
	}

}
