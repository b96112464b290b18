package dev.dispatch.web;

import java.time.Duration;
import java.util.function.Function;

import dev.dispatch.queue.Delivery;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.TakeOptions;
import dev.dispatch.queue.TakeOutcome;

import jakarta.servlet.http.HttpServletRequest;

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
class LeaseController {

	/** A take's body is read to its end and ignored: it may be this long at most. */
	static final int IGNORED_BODY_LIMIT = SettingsReader.LIMIT;

	private final QueueRegistry registry;

	private final LongPolls polls;

	LeaseController(QueueRegistry registry, LongPolls polls) {
		this.registry = registry;
		this.polls = polls;
	}

	@PostMapping("/v1/queues/{queue}/leases")
	@Problems({ ProblemType.TOO_MANY_WAITERS, ProblemType.SERVER_DRAINING, ProblemType.QUEUE_DRAINED,
			ProblemType.QUEUE_NOT_FOUND, ProblemType.PAYLOAD_TOO_LARGE })
	DeferredResult<ResponseEntity<?>> take(@PathVariable String queue, @RequestParam(required = false) String wait,
			@RequestParam(defaultValue = "1") int max, @RequestParam(required = false) String lease,
			@RequestParam(defaultValue = "manual") String ack, HttpServletRequest request) {
		boolean autoAck = switch (ack) {
			case "auto" -> true;
			case "manual", "" -> false;
			default -> throw new InvalidRequestException("'ack' must be 'auto' or 'manual'; got '" + ack + "'");
		};
		skipBody(request);
		this.polls.refuseIfDraining();
		LongPolls.Grant grant = this.polls.grant(queue, wait);
		Duration leaseLength = Durations.parse("lease", lease);
		if (leaseLength != null && leaseLength.isZero()) {
			throw new InvalidRequestException("'lease' must be longer than 0");
		}
		TakeOptions options = new TakeOptions(max, grant.granted(), leaseLength, false);
		// the jobs are settled on the queue that handed them out (see Reattempt)
		Reattempt<TakeOutcome> take = Reattempt.of(this.registry.require(queue), (source) -> source.take(options));
		return this.polls.park(request, queue, take, grant.granted(),
				(outcome) -> answer(queue, outcome, autoAck, grant.limited()), () -> ResponseEntity.noContent().build(),
				(outcome) -> forEachJob(outcome, (leaseId) -> take.queue().release(leaseId)),
				autoAck ? (outcome) -> forEachJob(outcome, (leaseId) -> take.queue().ack(leaseId))
						: LongPolls.nothing());
	}

	/**
	 * Reads a take's body to its end, before the take begins: nothing in it is used, but
	 * left unread it would look like the client speaking while the take is parked. At
	 * most {@link #IGNORED_BODY_LIMIT} bytes, chunked or not.
	 */
	private static void skipBody(HttpServletRequest request) {
		RequestBodies.read(request, IGNORED_BODY_LIMIT, () -> new DispatchProblem(ProblemType.PAYLOAD_TOO_LARGE,
				"a take's body is ignored, and may have at most " + IGNORED_BODY_LIMIT + " bytes"));
	}

	private ResponseEntity<?> answer(String queue, TakeOutcome outcome, boolean autoAck, boolean limited) {
		return switch (outcome) {
			case TakeOutcome.Delivered delivered -> ResponseEntity.ok(Views.Lease.of(delivered.deliveries(), autoAck));
			case TakeOutcome.Empty empty -> {
				if (limited) {
					throw DispatchProblem.tooManyWaiters(queue, this.polls.retryAfter());
				}
				yield ResponseEntity.noContent().build();
			}
			case TakeOutcome.Drained drained -> throw DispatchProblem.queueDrained(queue);
		};
	}

	/**
	 * Settles the jobs of a take once the answer's fate is known: never handed to the
	 * connection, they are released (back to the head, attempt not counted); handed over
	 * with {@code ack=auto}, they are acked.
	 */
	private static void forEachJob(TakeOutcome outcome, Function<String, ?> settle) {
		if (outcome instanceof TakeOutcome.Delivered delivered) {
			for (Delivery job : delivered.deliveries()) {
				settle.apply(job.leaseId());
			}
		}
	}

	@PostMapping("/v1/queues/{queue}/leases/{leaseId}/ack")
	@Problems({ ProblemType.LEASE_EXPIRED, ProblemType.QUEUE_NOT_FOUND })
	ResponseEntity<Void> ack(@PathVariable String queue, @PathVariable String leaseId) {
		if (!this.registry.require(queue).ack(leaseId).join()) {
			throw DispatchProblem.leaseExpired(queue, leaseId);
		}
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/v1/queues/{queue}/leases/{leaseId}/nack")
	@Problems({ ProblemType.LEASE_EXPIRED, ProblemType.QUEUE_NOT_FOUND })
	ResponseEntity<Void> nack(@PathVariable String queue, @PathVariable String leaseId,
			@RequestParam(required = false) String delay) {
		Duration after = Durations.parse("delay", delay);
		if (!this.registry.require(queue).nack(leaseId, (after != null) ? after : Duration.ZERO).join()) {
			throw DispatchProblem.leaseExpired(queue, leaseId);
		}
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/v1/queues/{queue}/leases/{leaseId}/extend")
	@Problems({ ProblemType.LEASE_EXPIRED, ProblemType.QUEUE_NOT_FOUND })
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
