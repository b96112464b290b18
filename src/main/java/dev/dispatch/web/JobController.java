package dev.dispatch.web;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.Payload;
import dev.dispatch.queue.PutOptions;
import dev.dispatch.queue.PutOutcome;
import dev.dispatch.queue.QueueRegistry;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/** Producers' endpoint: put a job, waiting for room as long as the request allows. */
@RestController
class JobController {

	private final QueueRegistry registry;

	private final PayloadReader payloads;

	private final Waits waits;

	JobController(QueueRegistry registry, PayloadReader payloads, Waits waits) {
		this.registry = registry;
		this.payloads = payloads;
		this.waits = waits;
	}

	@PostMapping("/v1/queues/{queue}/jobs")
	DeferredResult<ResponseEntity<?>> put(@PathVariable String queue, @RequestParam(required = false) String wait,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
			HttpServletRequest request) throws IOException {
		Duration patience = this.waits.of(wait);
		PutOptions options = new PutOptions(patience,
				(idempotencyKey != null && !idempotencyKey.isEmpty()) ? idempotencyKey : null);
		Payload payload = this.payloads.read(request);
		JobQueue target = this.registry.obtain(queue);
		return LongPoll.park(target.put(payload, options), patience, (outcome) -> answer(queue, outcome),
				() -> DispatchProblem.queueFull(queue, this.waits.retryAfter()), LongPoll.nothingToGiveBack());
	}

	private ResponseEntity<?> answer(String queue, PutOutcome outcome) {
		return switch (outcome) {
			case PutOutcome.Accepted accepted ->
				ResponseEntity.status(accepted.duplicate() ? HttpStatus.OK : HttpStatus.CREATED)
					.location(URI.create("/v1/queues/" + queue + "/jobs/" + accepted.jobId()))
					.body(new Views.Accepted(accepted.jobId(), queue, accepted.enqueuedAt()));
			case PutOutcome.Full full -> throw DispatchProblem.queueFull(queue, this.waits.retryAfter());
			case PutOutcome.Closed closed -> throw DispatchProblem.queueClosed(queue);
		};
	}

}
