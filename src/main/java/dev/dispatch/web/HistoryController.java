package dev.dispatch.web;

import java.util.List;

import dev.dispatch.history.QueueHistory;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.web.openapi.ApiSchemas;
import dev.dispatch.web.openapi.Problems;
import dev.dispatch.web.problem.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A queue's last minutes ({@link QueueHistory}), which the console draws as charts.
 */
@RestController
@Tag(name = "queues")
class HistoryController {

	private final QueueRegistry registry;

	private final QueueHistory history;

	HistoryController(QueueRegistry registry, QueueHistory history) {
		this.registry = registry;
		this.history = history;
	}

	@GetMapping(Routes.HISTORY)
	@Operation(operationId = "getQueueHistory", summary = "A queue's last minutes",
			description = "Per interval (`dispatch.history.interval`, 10 s) over the last `dispatch.history.window`"
					+ " (15 min): the jobs put, acked and dead-lettered, as this instance saw them, and the jobs ready,"
					+ " delayed and in flight at the interval's end. The history of a deleted queue goes with it.")
	@ApiResponse(responseCode = "200", description = "the samples, oldest first",
			content = @Content(schema = @Schema(implementation = ApiSchemas.QueueHistory.class)))
	@Problems({ ProblemType.QUEUE_NOT_FOUND })
	Views.History history(@PathVariable String queue) {
		this.registry.require(queue);
		return this.history.of(queue)
			.map((kept) -> Views.History.of(queue, kept.interval(), kept.samples()))
			.orElseGet(() -> Views.History.of(queue, this.history.interval(), List.of()));
	}

}
