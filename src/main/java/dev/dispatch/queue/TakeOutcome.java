package dev.dispatch.queue;

import java.util.List;

/** What became of a take. */
public sealed interface TakeOutcome {

	/** A short lower-case name of the outcome, fit for a metric tag. */
	String label();

	/**
	 * Jobs handed over, oldest first; at least one.
	 *
	 * @param deliveries the jobs
	 */
	record Delivered(List<Delivery> deliveries) implements TakeOutcome {

		public Delivered {
			deliveries = List.copyOf(deliveries);
		}

		@Override
		public String label() {
			return "delivered";
		}

	}

	/** The wait elapsed and no job came. */
	record Empty() implements TakeOutcome {

		@Override
		public String label() {
			return "empty";
		}

	}

	/** The queue is closed and no job will ever come: stop consuming. */
	record Drained() implements TakeOutcome {

		@Override
		public String label() {
			return "drained";
		}

	}

}
