package dev.dispatch.queue.job;

import java.util.List;
import dev.dispatch.queue.JobQueue;

/**
 * What became of a take; for a {@link JobQueue#settleAndTake settle and take}, also what
 * came of the settlements it made first.
 */
public sealed interface TakeOutcome {

	/** A short lower-case name of the outcome, fit for a metric tag. */
	String label();

	/**
	 * One outcome per settlement a {@link JobQueue#settleAndTake settle and take} made
	 * before it took, in their order; none for a plain take.
	 */
	List<Settled> settled();

	/** This outcome, saying what came of the settlements made before the take. */
	TakeOutcome withSettled(List<Settled> settled);

	/**
	 * Jobs handed over, oldest first; at least one.
	 *
	 * @param deliveries the jobs
	 * @param settled what came of the settlements made first
	 */
	record Delivered(List<Delivery> deliveries, List<Settled> settled) implements TakeOutcome {

		public Delivered {
			deliveries = List.copyOf(deliveries);
			settled = List.copyOf(settled);
		}

		public Delivered(List<Delivery> deliveries) {
			this(deliveries, List.of());
		}

		@Override
		public String label() {
			return "delivered";
		}

		@Override
		public Delivered withSettled(List<Settled> settled) {
			return new Delivered(this.deliveries, settled);
		}

	}

	/**
	 * The wait elapsed and no job came.
	 *
	 * @param settled what came of the settlements made first
	 */
	record Empty(List<Settled> settled) implements TakeOutcome {

		public Empty {
			settled = List.copyOf(settled);
		}

		public Empty() {
			this(List.of());
		}

		@Override
		public String label() {
			return "empty";
		}

		@Override
		public Empty withSettled(List<Settled> settled) {
			return new Empty(settled);
		}

	}

	/**
	 * The queue is closed and no job will ever come: stop consuming.
	 *
	 * @param settled what came of the settlements made first
	 */
	record Drained(List<Settled> settled) implements TakeOutcome {

		public Drained {
			settled = List.copyOf(settled);
		}

		public Drained() {
			this(List.of());
		}

		@Override
		public String label() {
			return "drained";
		}

		@Override
		public Drained withSettled(List<Settled> settled) {
			return new Drained(settled);
		}

	}

}
