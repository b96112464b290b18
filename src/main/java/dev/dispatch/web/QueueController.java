package dev.dispatch.web;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.dispatch.config.DispatchProperties;
import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueDeletedException;
import dev.dispatch.queue.QueueNames;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.Redrive;
import dev.dispatch.queue.Redriven;
import dev.dispatch.queue.TooManyQueuesException;
import dev.dispatch.web.openapi.ApiSchemas;
import dev.dispatch.web.openapi.Problems;
import dev.dispatch.web.poll.Grant;
import dev.dispatch.web.poll.LongPolls;
import dev.dispatch.web.poll.ParkedRequest;
import dev.dispatch.web.problem.DispatchProblem;
import dev.dispatch.web.problem.InvalidRequestException;
import dev.dispatch.web.problem.ProblemType;
import dev.dispatch.web.request.Durations;
import dev.dispatch.web.request.PollParameters;
import dev.dispatch.web.request.QueryParameters;
import dev.dispatch.web.request.QueueSettings;
import dev.dispatch.web.request.SettingsReader;
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

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Queue administration: create or change, list, inspect, purge, pause, resume, close,
 * join, delete.
 */
@RestController
@Tag(name = "queues")
class QueueController {

	private final QueueRegistry registry;

	private final LongPolls polls;

	private final QueueVisibility visibility;

	private final AdminGrants grants;

	/** dispatch.max-queues. */
	private final int maxQueues;

	QueueController(QueueRegistry registry, LongPolls polls, ObjectProvider<QueueVisibility> visibility,
			ObjectProvider<AdminGrants> grants, DispatchProperties properties) {
		this.registry = registry;
		this.polls = polls;
		this.maxQueues = properties.maxQueues();
		this.visibility = visibility.getIfAvailable(() -> QueueVisibility.ALL);
		this.grants = grants.getIfAvailable(() -> AdminGrants.ANY);
	}

	@GetMapping(Routes.QUEUES)
	@Operation(operationId = "listQueues", summary = "List the queues")
	@ApiResponse(responseCode = "200", description = "the state of every queue the caller holds a role on",
			content = @Content(array = @ArraySchema(schema = @Schema(implementation = ApiSchemas.QueueInfo.class))))
	List<Views.QueueInfo> list() {
		return this.visibility.visible(this.registry.list())
			.stream()
			.map((queue) -> Views.QueueInfo.of(queue.snapshot().join()))
			.toList();
	}

	@GetMapping(Routes.QUEUE)
	@Operation(operationId = "getQueue", summary = "Inspect a queue")
	@ApiResponse(responseCode = "200", description = "the queue's state",
			content = @Content(schema = @Schema(implementation = ApiSchemas.QueueInfo.class)))
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	Views.QueueInfo get(@PathVariable String queue) {
		return Views.QueueInfo.of(this.registry.require(queue).snapshot().join());
	}

	/**
	 * Creates or changes a queue. The body is read by {@link SettingsReader}, which
	 * refuses unknown fields and values of the wrong type, and limits its size.
	 */
	@PutMapping(Routes.QUEUE)
	@Operation(operationId = "configureQueue", summary = "Create or change a queue",
			description = "Creates the queue, or changes the settings sent; capacity may grow or shrink while the"
					+ " queue runs.")
	@Problems({ ProblemType.TOO_MANY_QUEUES, ProblemType.PAYLOAD_TOO_LARGE })
	@RequestBody(required = false,
			description = "the settings to change (at most 16 KiB); absent ones keep their value (a new queue's:"
					+ " the defaults); no body changes nothing",
			content = @Content(mediaType = "application/json",
					schema = @Schema(implementation = ApiSchemas.QueueSettings.class),
					examples = @ExampleObject(name = "all settings",
							value = "{\"capacity\": 500, \"leaseTimeout\": \"2m\", \"maxAttempts\": 5,"
									+ " \"deadLetterQueue\": \"emails.failed\", \"maxInFlight\": 20,"
									+ " \"maxLeasesPerSecond\": 50, \"maxInFlightPerGroup\": 2}")))
	@ApiResponse(responseCode = "201", description = "created; the queue's state",
			headers = @Header(name = "Location", description = "the queue's path", required = true,
					schema = @Schema(type = "string", format = "uri-reference", example = "/v1/queues/emails")),
			content = @Content(schema = @Schema(implementation = ApiSchemas.QueueInfo.class)))
	@ApiResponse(responseCode = "200", description = "changed; the queue's state",
			content = @Content(schema = @Schema(implementation = ApiSchemas.QueueInfo.class)))
	ResponseEntity<Views.QueueInfo> configure(@PathVariable String queue, HttpServletRequest request) {
		QueueSettings asked = SettingsReader.read(request);
		QueueConfig current = currentConfig(queue);
		Duration leaseTimeout = Durations.parse("leaseTimeout", asked.leaseTimeout());
		QueueConfig config = new QueueConfig((asked.capacity() != null) ? asked.capacity() : current.capacity(),
				(leaseTimeout != null) ? leaseTimeout : current.leaseTimeout(),
				(asked.maxAttempts() != null) ? asked.maxAttempts() : current.maxAttempts(),
				(asked.deadLetterQueue() != null) ? asked.deadLetterQueue() : current.deadLetterQueue(),
				(asked.maxInFlight() != null) ? asked.maxInFlight() : current.maxInFlight(),
				(asked.maxLeasesPerSecond() != null) ? asked.maxLeasesPerSecond() : current.maxLeasesPerSecond(),
				(asked.maxInFlightPerGroup() != null) ? asked.maxInFlightPerGroup() : current.maxInFlightPerGroup());
		// "" asks for no dead-letter queue: nowhere to check
		if (asked.deadLetterQueue() != null && config.hasDeadLetterQueue()) {
			String deadLetters = config.deadLetterQueueFor(queue);
			this.grants.refusal(queue, deadLetters).ifPresent((why) -> {
				throw new DispatchProblem(ProblemType.FORBIDDEN,
						"queue '" + queue + "' may not send its dead letters there: " + why);
			});
			// a dead-letter queue is created by its first job whatever the limit, so that
			// none is lost: a new name must fit now, or renaming would create queues
			// without end (settings applied again, naming the same, pass)
			if (!deadLetters.equals(QueueNames.deadLetterQueueOf(queue))
					&& !deadLetters.equals(current.deadLetterQueueFor(queue))
					&& this.registry.find(deadLetters).isEmpty() && this.registry.list().size() >= this.maxQueues) {
				throw new TooManyQueuesException(deadLetters, this.maxQueues);
			}
		}
		boolean created = this.registry.configure(queue, config);
		Views.QueueInfo info = Views.QueueInfo.of(this.registry.require(queue).snapshot().join());
		return created ? ResponseEntity.created(URI.create("/v1/queues/" + queue)).body(info) : ResponseEntity.ok(info);
	}

	/**
	 * The configuration of the queue named {@code queue}, or the defaults if there is
	 * none: also when this instance still knew a queue of that name that another one
	 * deleted (its snapshot finds it gone), so that the settings make a new one as they
	 * would anywhere else.
	 */
	private QueueConfig currentConfig(String queue) {
		Optional<JobQueue> existing = this.registry.find(queue);
		if (existing.isEmpty()) {
			return this.registry.defaults();
		}
		try {
			return existing.get().snapshot().join().config();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof QueueDeletedException) {
				return this.registry.defaults();
			}
			throw ex;
		}
	}

	@DeleteMapping(Routes.QUEUE)
	@Operation(operationId = "deleteQueue", summary = "Delete a queue",
			description = "Parked puts answer 409, parked takes 410, parked joins 404. The queue's jobs (ready,"
					+ " delayed and leased) move to its dead-letter queue, or are thrown away with `discard`.")
	@ApiResponse(responseCode = "204", description = "deleted")
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	@Parameter(name = "discard", in = ParameterIn.QUERY,
			description = "throw the queue's jobs away instead of moving"
					+ " them to its dead-letter queue: the way to free a dead-letter queue's storage",
			schema = @Schema(type = "boolean", defaultValue = "false"))
	ResponseEntity<Void> delete(@PathVariable String queue, @RequestParam(required = false) String discard) {
		if (!this.registry.delete(queue, QueryParameters.flag("discard", discard))) {
			throw DispatchProblem.queueNotFound(queue);
		}
		return ResponseEntity.noContent().build();
	}

	@PostMapping(Routes.CLOSE)
	@Operation(operationId = "closeQueue", summary = "Close a queue",
			description = "No job is accepted any more: parked and later puts answer 409. Takes still receive what"
					+ " is left, then answer 410 once the queue is drained. Idempotent.")
	@ApiResponse(responseCode = "200", description = "closed; the queue's state, with `purged`",
			content = @Content(schema = @Schema(implementation = ApiSchemas.QueueInfo.class)))
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	@Parameter(name = "immediate", in = ParameterIn.QUERY,
			description = "also move every ready and delayed job to"
					+ " the dead-letter queue (reason purged): takes answer 410 at once",
			schema = @Schema(type = "boolean", defaultValue = "false"))
	Views.QueueInfo close(@PathVariable String queue, @RequestParam(required = false) String immediate) {
		boolean now = QueryParameters.flag("immediate", immediate);
		JobQueue target = this.registry.require(queue);
		int purged = target.close(now ? CloseMode.IMMEDIATE : CloseMode.GRACEFUL).join();
		return Views.QueueInfo.of(target.snapshot().join(), purged);
	}

	/** Most job ids one redrive may name. */
	static final int MAX_REDRIVE_IDS = 1000;

	@PostMapping(Routes.REDRIVE)
	@Operation(operationId = "redriveQueue", summary = "Redrive dead letters",
			description = "Moves ready jobs of a dead-letter queue back to the queues they failed in, oldest first:"
					+ " all of them, the first `max`, or those named by `id`. Each goes to the tail keeping its id and"
					+ " starts again at attempt 0. A queue gets only as many as it has room for (ready + delayed below"
					+ " its capacity), one that no longer exists none; what is not moved stays, and the answer says"
					+ " how many moved where and how many were left. With credentials, only jobs that came from"
					+ " queues the caller administers by its own grants are selected.")
	@ApiResponse(responseCode = "200", description = "what moved where, and what was left",
			content = @Content(schema = @Schema(implementation = ApiSchemas.Redriven.class)))
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	@Parameter(name = "max", in = ParameterIn.QUERY, description = "most jobs to move; default all",
			schema = @Schema(type = "integer", format = "int32", minimum = "1"))
	@Parameter(name = "id", in = ParameterIn.QUERY,
			description = "only the job with this id; repeat it for several (at most " + MAX_REDRIVE_IDS + ")",
			array = @ArraySchema(schema = @Schema(type = "string")))
	Views.Redriven redrive(@PathVariable String queue, @RequestParam(name = "max", required = false) String atMost,
			HttpServletRequest request) {
		// read as given: Spring's binding would split values at commas, and drop an empty
		// one
		String[] ids = request.getParameterValues("id");
		Integer max = (atMost != null && !atMost.isEmpty())
				? QueryParameters.whole("max", atMost, 1, Integer.MAX_VALUE, 0) : null;
		Set<String> wanted = (ids != null) ? Set.copyOf(Arrays.asList(ids)) : Set.of();
		if (wanted.size() > MAX_REDRIVE_IDS) {
			throw new InvalidRequestException("name at most " + MAX_REDRIVE_IDS + " job ids; got " + wanted.size());
		}
		if (wanted.contains("")) {
			throw new InvalidRequestException("'id' must not be empty");
		}
		int most = (max != null) ? max : (wanted.isEmpty() ? Integer.MAX_VALUE : wanted.size());
		Redrive which = new Redrive(most, wanted);
		Optional<Predicate<String>> own = this.grants.ownQueues();
		if (own.isPresent()) {
			// a dead-letter queue may serve the queues of several owners: each redrives
			// only its own
			Set<String> homes = this.registry.list()
				.stream()
				.map(JobQueue::name)
				.filter(own.get())
				.collect(Collectors.toSet());
			if (homes.isEmpty()) {
				this.registry.require(queue);
				return Views.Redriven.of(new Redriven(Map.of(), 0, List.of()));
			}
			which = which.onlyFrom(homes);
		}
		return Views.Redriven.of(this.registry.redrive(queue, which).join());
	}

	@PostMapping(Routes.PURGE)
	@Operation(operationId = "purgeQueue", summary = "Purge a queue",
			description = "Throws every ready and delayed job away, for good, without closing the queue; leased"
					+ " jobs stay with their consumers. For a dead-letter queue whose jobs are not wanted (to move"
					+ " jobs to the dead-letter queue instead, close with immediate=true).")
	@ApiResponse(responseCode = "200", description = "purged; the queue's state, with `purged`",
			content = @Content(schema = @Schema(implementation = ApiSchemas.QueueInfo.class)))
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	Views.QueueInfo purge(@PathVariable String queue) {
		JobQueue target = this.registry.require(queue);
		int purged = target.purge().join();
		return Views.QueueInfo.of(target.snapshot().join(), purged);
	}

	@PostMapping(Routes.PAUSE)
	@Operation(operationId = "pauseQueue", summary = "Pause delivery",
			description = "The operator's brake: takes get nothing (parked ones stay parked until their wait"
					+ " elapses or delivery resumes), while puts are still accepted and leases settled."
					+ " Idempotent; the queue stays paused until resumed, also when closed.")
	@ApiResponse(responseCode = "200", description = "paused; the queue's state",
			content = @Content(schema = @Schema(implementation = ApiSchemas.QueueInfo.class)))
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	Views.QueueInfo pause(@PathVariable String queue) {
		JobQueue target = this.registry.require(queue);
		target.pause().join();
		return Views.QueueInfo.of(target.snapshot().join());
	}

	@PostMapping(Routes.RESUME)
	@Operation(operationId = "resumeQueue", summary = "Resume delivery",
			description = "Parked takes are served at once, oldest first. Idempotent.")
	@ApiResponse(responseCode = "200", description = "running; the queue's state",
			content = @Content(schema = @Schema(implementation = ApiSchemas.QueueInfo.class)))
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	Views.QueueInfo resume(@PathVariable String queue) {
		JobQueue target = this.registry.require(queue);
		target.resume().join();
		return Views.QueueInfo.of(target.snapshot().join());
	}

	/**
	 * Waits until nothing is unfinished: 204; 202 with the queue's state if the wait ran
	 * out first.
	 */
	@GetMapping(Routes.JOIN)
	@Operation(operationId = "joinQueue", summary = "Wait until every job is finished",
			description = "Waits up to `wait` until nothing is ready, delayed or leased.")
	@ApiResponse(responseCode = "204", description = "nothing is unfinished", content = @Content)
	@ApiResponse(responseCode = "202",
			description = "the wait ran out first (or the instance is shutting down); the queue's state",
			content = @Content(schema = @Schema(implementation = ApiSchemas.QueueInfo.class)))
	@Problems({ ProblemType.TOO_MANY_WAITERS, ProblemType.QUEUE_NOT_FOUND })
	@Parameter(name = "wait", in = ParameterIn.QUERY, description = "how long to wait: " + ApiSchemas.WAIT,
			example = "30s")
	DeferredResult<ResponseEntity<?>> join(@PathVariable String queue, @RequestParam(required = false) String wait,
			HttpServletRequest request) {
		Grant grant = this.polls.grant(request, queue, PollParameters.waitOf(wait));
		JobQueue target = this.registry.require(queue);
		CompletableFuture<Boolean> joined = target.join(grant.granted());
		return this.polls.park(new ParkedRequest<>(grant) {

			@Override
			protected ResponseEntity<?> answer(Boolean done) {
				if (done) {
					return ResponseEntity.noContent().build();
				}
				if (limited()) {
					throw DispatchProblem.tooManyWaiters(queue, QueueController.this.polls.retryAfter());
				}
				return stillUnfinished(target);
			}

			@Override
			protected Object cutShort() {
				return stillUnfinished(target);
			}

		}, joined);
	}

	private static ResponseEntity<?> stillUnfinished(JobQueue queue) {
		QueueSnapshot state = queue.snapshot().join();
		return ResponseEntity.accepted().body(Views.QueueInfo.of(state));
	}

}
