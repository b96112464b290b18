package dev.dispatch.queue;

import java.util.Objects;
import java.util.Set;

/**
 * Which jobs of a dead-letter queue a redrive moves back to the queues they failed in:
 * the ready ones, oldest first, that carry where they came from.
 *
 * @param max most jobs to move
 * @param ids only jobs with these ids; empty: any
 * @param homes only jobs that came from these queues; empty: from any (a caller who may
 * administer only some of the queues a dead-letter queue serves redrives only theirs)
 */
public record Redrive(int max, Set<String> ids, Set<String> homes) {

	public Redrive {
		if (max < 1) {
			throw new IllegalArgumentException("max must be at least 1, got " + max);
		}
		ids = Set.copyOf(Objects.requireNonNull(ids, "ids"));
		homes = Set.copyOf(Objects.requireNonNull(homes, "homes"));
	}

	/** The jobs {@code ids} selects, from any queue. */
	public Redrive(int max, Set<String> ids) {
		this(max, ids, Set.of());
	}

	/**
	 * These jobs, only those that came from {@code homes}.
	 * @param homes at least one queue name
	 */
	public Redrive onlyFrom(Set<String> homes) {
		if (homes.isEmpty()) {
			throw new IllegalArgumentException("name at least one home queue");
		}
		return new Redrive(this.max, this.ids, homes);
	}

	/** Every job that came from elsewhere. */
	public static Redrive all() {
		return new Redrive(Integer.MAX_VALUE, Set.of());
	}

	/** The oldest {@code max}. */
	public static Redrive first(int max) {
		return new Redrive(max, Set.of());
	}

	/** The jobs with these ids. */
	public static Redrive ids(Set<String> ids) {
		if (ids.isEmpty()) {
			throw new IllegalArgumentException("name at least one job id");
		}
		return new Redrive(ids.size(), ids);
	}

	/** Whether the job with {@code id}, which came from {@code home}, is one to move. */
	public boolean wants(String id, String home) {
		return (this.ids.isEmpty() || this.ids.contains(id)) && (this.homes.isEmpty() || this.homes.contains(home));
	}

}
