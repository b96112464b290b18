package dev.dispatch.queue;

import java.util.List;
import java.util.Map;

/**
 * What a redrive did.
 *
 * @param moved jobs moved back, by the queue they went to
 * @param left jobs it selected but did not move: their queue had no room or does not
 * exist any more, or they were taken meanwhile
 * @param jobIds the ids of the jobs moved
 */
public record Redriven(Map<String, Integer> moved, int left, List<String> jobIds) {

	public Redriven {
		moved = Map.copyOf(moved);
		jobIds = List.copyOf(jobIds);
	}

	/** How many jobs moved back in all. */
	public int total() {
		return this.moved.values().stream().mapToInt(Integer::intValue).sum();
	}

}
