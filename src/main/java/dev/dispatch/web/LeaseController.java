package dev.dispatch.web;

import java.time.Duration;
import java.util.List;

import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
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
import dev.dispatch.web.request.Durations;
import dev.dispatch.web.request.PollParameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Consumers' endpoints: take jobs (long-polling), then ack, nack or extend their leases.
 * Takes always lease the jobs in the queue; with {@code ack=auto} the leases are acked
 * once the answer has been handed to the connection, and given back if the client went
 * away first.
 */
@RestController
@Tag(name = "leases")
class LeaseController {

	private final QueueRegistry registry;

	private final LongPolls polls;

	private final BatchReader batches;

	LeaseController(QueueRegistry registry, LongPolls polls, BatchReader batches) {
		this.registry = registry;
		this.polls = polls;
		this.batches = batches;
	}

	@PostMapping(Routes.LEASES)
	@Operation(operationId = "takeJobs", summary = "Take jobs",
			description = "Leases up to `max` jobs, waiting up to `wait` for the first; answers as soon as it has"
					+ " one. Settle each job with ack or nack before its lease ends, or it is delivered again."
					+ " Options go in the query string: a request body must be empty, or `{}` (at most 16 KiB).")
	@ApiResponse(responseCode = "200", description = "1 to `max` jobs, oldest first",
			content = @Content(array = @ArraySchema(schema = @Schema(implementation = ApiSchemas.Lease.class))))
	@ApiResponse(responseCode = "204",
			description = "no job arrived during the wait (or the instance is shutting down): ask again",
			content = @Content)
	@Problems({ ProblemType.TOO_MANY_WAITERS, ProblemType.SERVER_DRAINING, ProblemType.QUEUE_DRAINED,
			ProblemType.QUEUE_NOT_FOUND, ProblemType.PAYLOAD_TOO_LARGE })
	@Parameter(name = "wait", in = ParameterIn.QUERY, description = "how long to wait for a job: " + ApiSchemas.WAIT,
			schema = @Schema(type = "string"), example = "20s")
	@Parameter(name = "max", in = ParameterIn.QUERY, description = "most jobs to take at once",
			schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "" + TakeOptions.MAX_BATCH,
					defaultValue = "1"))
	@Parameter(name = "lease", in = ParameterIn.QUERY,
			description = "how long the jobs are held: " + ApiSchemas.DURATION
					+ "; more than 0. Default: the queue's leaseTimeout.",
			schema = @Schema(type = "string"), example = "2m")
	@Parameter(name = "ack", in = ParameterIn.QUERY,
			description = "manual: lease the jobs (at least once). auto: settle them once the answer is handed to"
					+ " the connection (at most once; leaseId and leaseExpiresAt are null).",
			schema = @Schema(type = "string", allowableValues = { "manual", "auto" }, defaultValue = "manual"))
	DeferredResult<ResponseEntity<?>> take(@PathVariable String queue, HttpServletRequest request) {
		PollParameters.Take asked = PollParameters.take(request);
		PollParameters.requireNoTakeOptionsInBody(request);
		this.polls.refuseIfDraining();
		Grant grant = this.polls.grant(request, queue, asked.waiting());
		TakeOptions options = new TakeOptions(asked.max(), grant.granted(), asked.lease(), false);
		// the jobs are settled on the queue that handed them out (see Reattempt)
		Reattempt<TakeOutcome> take = Reattempt.of(this.registry.require(queue), (source) -> source.take(options));
		return this.polls.park(new ParkedTake(grant, take, asked.autoAck()), take);
	}

	/**
	 * A take waiting for jobs; cut short, it answers 204 as an empty take does. Its jobs
	 * are settled once the answer's fate is known: never handed to the connection, they
	 * are released (back to the head, the attempt not counted); handed over with
	 * {@code ack=auto}, they are acked. Either on the queue that handed them out (see
	 * {@link Reattempt}).
	 */
	private final class ParkedTake extends ParkedRequest<TakeOutcome> {

		private final Reattempt<TakeOutcome> take;

		private final boolean autoAck;

		ParkedTake(Grant grant, Reattempt<TakeOutcome> take, boolean autoAck) {
			super(grant);
			this.take = take;
			this.autoAck = autoAck;
		}

		@Override
		protected ResponseEntity<?> answer(TakeOutcome outcome) {
			return switch (outcome) {
				case TakeOutcome.Delivered delivered -> ResponseEntity.ok()
					.contentType(MediaType.APPLICATION_JSON)
					.body(Views.Lease.of(delivered.deliveries(), this.autoAck));
				case TakeOutcome.Empty empty -> {
					if (limited()) {
						throw DispatchProblem.tooManyWaiters(queue(), LeaseController.this.polls.retryAfter());
					}
					yield ResponseEntity.noContent().build();
				}
				case TakeOutcome.Drained drained -> throw DispatchProblem.queueDrained(queue());
			};
		}

		@Override
		protected Object cutShort() {
			return ResponseEntity.noContent().build();
		}

		@Override
		protected void undelivered(TakeOutcome outcome) {
			for (Delivery job : jobsOf(outcome)) {
				this.take.queue().release(job.leaseId());
			}
		}

		@Override
		protected void delivered(TakeOutcome outcome) {
			if (this.autoAck) {
				for (Delivery job : jobsOf(outcome)) {
					this.take.queue().ack(job.leaseId());
				}
			}
		}

		private static List<Delivery> jobsOf(TakeOutcome outcome) {
			return (outcome instanceof TakeOutcome.Delivered delivered) ? delivered.deliveries() : List.of();
		}

	}

	@PostMapping(Routes.SETTLE)
	@Operation(operationId = "settleLeases", summary = "Settle many leases (and take the next jobs)",
			description = "Acks, nacks, extends or releases up to " + BatchReader.MAX_JOBS
					+ " leases in one request, in the order sent, as the single endpoints would one after another;"
					+ " a lease not held any more is answered lease-expired and does not stop the others. The"
					+ " body is read whole first: one bad settlement refuses all of them. With `take`, it then"
					+ " takes up to that many jobs in the same step of the queue, waiting as a take waits: a"
					+ " consumer in a loop hands back what it finished and asks for more in one request. The"
					+ " settlements are made at once, whatever the take then waits for; the answer adds the jobs"
					+ " (`[]` when none came during the wait) and `drained: true` once the queue is closed and"
					+ " empty.")
	@RequestBody(required = true,
			description = "the settlements, 1 to " + BatchReader.MAX_JOBS + " (0 too with `take`)",
			content = @Content(mediaType = "application/json",
					array = @ArraySchema(schema = @Schema(implementation = ApiSchemas.Settlement.class), minItems = 1,
							maxItems = BatchReader.MAX_JOBS),
					examples = @ExampleObject(name = "ack two, nack one",
							value = "[{\"lease\": \"Xk3vQ9b1T2uYw8rZ0pLmNg\", \"action\": \"ack\"},"
									+ " {\"lease\": \"b7Fq0sLr2mVx9cT4yHwKjA\", \"action\": \"ack\"},"
									+ " {\"lease\": \"Pz5nW1eYd8uQk3rT6vBoMg\", \"action\": \"nack\","
									+ " \"delay\": \"30s\"}]")))
	@ApiResponse(responseCode = "200",
			description = "what became of each lease, in the order sent; with `take`, and the jobs taken",
			content = @Content(schema = @Schema(implementation = ApiSchemas.SettleResults.class)))
	@Problems({ ProblemType.QUEUE_NOT_FOUND, ProblemType.PAYLOAD_TOO_LARGE, ProblemType.TOO_MANY_WAITERS,
			ProblemType.SERVER_DRAINING })
	@Parameter(name = "take", in = ParameterIn.QUERY,
			description = "then take up to this many jobs, as a take with `max` would",
			schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "" + TakeOptions.MAX_BATCH))
	@Parameter(name = "wait", in = ParameterIn.QUERY,
			description = "with `take`: how long to wait for a job: " + ApiSchemas.WAIT,
			schema = @Schema(type = "string"), example = "20s")
	@Parameter(name = "lease", in = ParameterIn.QUERY,
			description = "with `take`: how long the jobs are held: " + ApiSchemas.DURATION
					+ "; more than 0. Default: the queue's leaseTimeout.",
			schema = @Schema(type = "string"), example = "2m")
	Object settle(@PathVariable String queue, HttpServletRequest request) {
		PollParameters.Take asked = PollParameters.settleAndTake(request);
		List<Settle> settlements = this.batches.settlements(request, asked != null);
		if (asked == null) {
			return Views.SettleResults.of(settlements, this.registry.require(queue).settle(settlements).join());
		}
		this.polls.refuseIfDraining();
		Grant grant = this.polls.grant(request, queue, asked.waiting());
		TakeOptions options = new TakeOptions(asked.max(), grant.granted(), asked.lease(), false);
		Reattempt<TakeOutcome> take = Reattempt.of(this.registry.require(queue),
				(source) -> source.settleAndTake(settlements, options));
		return this.polls.park(new ParkedSettleAndTake(grant, take, settlements), take);
	}

	/**
	 * A settle that also takes, waiting for jobs: answered with what came of each
	 * settlement and the jobs taken. Cut short before the queue answered (the instance
	 * drains, its backstop ran out), it cannot tell what came of the settlements: it
	 * answers 503, and the client settles again (a lease no longer held answers as such).
	 * Jobs that never reach the connection are released, as a take's are.
	 */
	private final class ParkedSettleAndTake extends ParkedRequest<TakeOutcome> {

		private final Reattempt<TakeOutcome> take;

		private final List<Settle> settlements;

		ParkedSettleAndTake(Grant grant, Reattempt<TakeOutcome> take, List<Settle> settlements) {
			super(grant);
			this.take = take;
			this.settlements = settlements;
		}

		@Override
		protected ResponseEntity<?> answer(TakeOutcome outcome) {
			if (outcome instanceof TakeOutcome.Empty && limited()) {
				throw DispatchProblem.tooManyWaiters(queue(), LeaseController.this.polls.retryAfter());
			}
			return ResponseEntity.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.body(Views.SettledAndTaken.of(this.settlements, outcome));
		}

		@Override
		protected Object cutShort() {
			return DispatchProblem.serverDraining(LeaseController.this.polls.retryAfter());
		}

		@Override
		protected void undelivered(TakeOutcome outcome) {
			if (outcome instanceof TakeOutcome.Delivered delivered) {
				for (Delivery job : delivered.deliveries()) {
					this.take.queue().release(job.leaseId());
				}
			}
		}

	}

	@PostMapping(Routes.ACK)
	@Operation(operationId = "ackLease", summary = "Ack: the job is done", description = "Settles the job for good.")
	@ApiResponse(responseCode = "204", description = "acked")
	@Problems({ ProblemType.LEASE_EXPIRED, ProblemType.QUEUE_NOT_FOUND })
	ResponseEntity<Void> ack(@PathVariable String queue, @PathVariable String leaseId) {
		if (!this.registry.require(queue).ack(leaseId).join()) {
			throw DispatchProblem.leaseExpired(queue, leaseId);
		}
		return ResponseEntity.noContent().build();
	}

	@PostMapping(Routes.NACK)
	@Operation(operationId = "nackLease", summary = "Nack: the job failed",
			description = "Gives the job back: to the head of the queue (after `delay`), or to the dead-letter"
					+ " queue after its last attempt.")
	@ApiResponse(responseCode = "204", description = "given back")
	@Problems({ ProblemType.LEASE_EXPIRED, ProblemType.QUEUE_NOT_FOUND })
	@Parameter(name = "delay", in = ParameterIn.QUERY,
			description = "how long before the job is ready again: " + ApiSchemas.DURATION + ". Default 0.",
			example = "30s")
	ResponseEntity<Void> nack(@PathVariable String queue, @PathVariable String leaseId,
			@RequestParam(required = false) String delay) {
		Duration after = Durations.parse("delay", delay);
		if (!this.registry.require(queue).nack(leaseId, (after != null) ? after : Duration.ZERO).join()) {
			throw DispatchProblem.leaseExpired(queue, leaseId);
		}
		return ResponseEntity.noContent().build();
	}

	@PostMapping(Routes.RELEASE)
	@Operation(operationId = "releaseLease", summary = "Release: give the job back untried",
			description = "Gives the job back to the head of the queue at once, without counting the attempt:"
					+ " for a consumer that took a job it will not work on (it is shutting down, say). A job"
					+ " that failed is nacked instead.")
	@ApiResponse(responseCode = "204", description = "given back")
	@Problems({ ProblemType.LEASE_EXPIRED, ProblemType.QUEUE_NOT_FOUND })
	ResponseEntity<Void> release(@PathVariable String queue, @PathVariable String leaseId) {
		if (!this.registry.require(queue).release(leaseId).join()) {
			throw DispatchProblem.leaseExpired(queue, leaseId);
		}
		return ResponseEntity.noContent().build();
	}

	@PostMapping(Routes.EXTEND)
	@Operation(operationId = "extendLease", summary = "Extend a lease",
			description = "Moves the lease's end to `by` from now.")
	@ApiResponse(responseCode = "200", description = "the lease's new end",
			content = @Content(schema = @Schema(implementation = ApiSchemas.LeaseDeadline.class)))
	@Problems({ ProblemType.LEASE_EXPIRED, ProblemType.QUEUE_NOT_FOUND })
	@Parameter(name = "by", in = ParameterIn.QUERY, description = "how long from now the lease ends: "
			+ ApiSchemas.DURATION + "; more than 0. Default: the queue's leaseTimeout.", example = "5m")
	Views.Extended extend(@PathVariable String queue, @PathVariable String leaseId,
			@RequestParam(required = false) String by) {
		Duration length = Durations.parse("by", by);
		if (length != null && length.isZero()) {
			throw new InvalidRequestException("'by' must be longer than 0");
		}
		return this.registry.require(queue)
			.extend(leaseId, length)
			.join()
			.map(Views.Extended::new)
			.orElseThrow(() -> DispatchProblem.leaseExpired(queue, leaseId));
	}

}
