package dev.dispatch.web;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.QueueSnapshot;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/** Queue administration: create or change, list, inspect, close, join, delete. */
@RestController
class QueueController {

	private final QueueRegistry registry;

	private final LongPolls polls;

	QueueController(QueueRegistry registry, LongPolls polls) {
		this.registry = registry;
		this.polls = polls;
	}

	@GetMapping("/v1/queues")
	List<Views.QueueInfo> list() {
		return this.registry.list().stream().map((queue) -> Views.QueueInfo.of(queue.snapshot().join())).toList();
	}

	@GetMapping("/v1/queues/{queue}")
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	Views.QueueInfo get(@PathVariable String queue) {
		return Views.QueueInfo.of(this.registry.require(queue).snapshot().join());
	}

	/**
	 * Creates or changes a queue. The body is read by {@link SettingsReader}, which
	 * refuses unknown fields and values of the wrong type, and limits its size.
	 */
	@PutMapping("/v1/queues/{queue}")
	@Problems({ ProblemType.TOO_MANY_QUEUES, ProblemType.PAYLOAD_TOO_LARGE })
	@RequestBody(required = false,
			description = "the settings to change; absent ones keep their value (a new queue's: the defaults)",
			content = @Content(mediaType = "application/json",
					schema = @Schema(implementation = Views.QueueSettings.class)))
	ResponseEntity<Views.QueueInfo> configure(@PathVariable String queue, HttpServletRequest request) {
		Views.QueueSettings asked = SettingsReader.read(request);
		QueueConfig current = this.registry.find(queue)
			.map((existing) -> existing.snapshot().join().config())
			.orElse(this.registry.defaults());
		Duration leaseTimeout = Durations.parse("leaseTimeout", asked.leaseTimeout());
		QueueConfig config = new QueueConfig((asked.capacity() != null) ? asked.capacity() : current.capacity(),
				(leaseTimeout != null) ? leaseTimeout : current.leaseTimeout(),
				(asked.maxAttempts() != null) ? asked.maxAttempts() : current.maxAttempts(),
				(asked.deadLetterQueue() != null) ? asked.deadLetterQueue() : current.deadLetterQueue());
		boolean created = this.registry.configure(queue, config);
		Views.QueueInfo info = Views.QueueInfo.of(this.registry.require(queue).snapshot().join());
		return created ? ResponseEntity.created(URI.create("/v1/queues/" + queue)).body(info) : ResponseEntity.ok(info);
	}

	@DeleteMapping("/v1/queues/{queue}")
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	ResponseEntity<Void> delete(@PathVariable String queue, @RequestParam(defaultValue = "false") boolean discard) {
		if (!this.registry.delete(queue, discard)) {
			throw DispatchProblem.queueNotFound(queue);
		}
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/v1/queues/{queue}/close")
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	Views.QueueInfo close(@PathVariable String queue, @RequestParam(defaultValue = "false") boolean immediate) {
		JobQueue target = this.registry.require(queue);
		int purged = target.close(immediate ? CloseMode.IMMEDIATE : CloseMode.GRACEFUL).join();
		return Views.QueueInfo.of(target.snapshot().join(), purged);
	}

	/**
	 * Waits until nothing is unfinished: 204; 202 with the queue's state if the wait ran
	 * out first.
	 */
	@GetMapping("/v1/queues/{queue}/join")
	@Problems({ ProblemType.TOO_MANY_WAITERS, ProblemType.QUEUE_NOT_FOUND })
	DeferredResult<ResponseEntity<?>> join(@PathVariable String queue, @RequestParam(required = false) String wait,
			HttpServletRequest request) {
		LongPolls.Grant grant = this.polls.grant(queue, wait);
		JobQueue target = this.registry.require(queue);
		CompletableFuture<Boolean> joined = target.join(grant.granted());
		return this.polls.park(request, queue, joined, grant.granted(), (done) -> {
			if (done) {
				return ResponseEntity.noContent().build();
			}
			if (grant.limited()) {
				throw DispatchProblem.tooManyWaiters(queue, this.polls.retryAfter());
			}
			return stillUnfinished(target);
		}, () -> stillUnfinished(target), LongPolls.nothing(), LongPolls.nothing());
	}

	private static ResponseEntity<?> stillUnfinished(JobQueue queue) {
		QueueSnapshot state = queue.snapshot().join();
		return ResponseEntity.accepted().body(Views.QueueInfo.of(state));
	}

}
