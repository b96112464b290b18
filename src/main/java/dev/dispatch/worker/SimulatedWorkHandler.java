package dev.dispatch.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import dev.dispatch.queue.job.Delivery;

/**
 * The demo's handler: pretends to work on each job for a random time within a range.
 * Registered as the bean {@code simulatedWork}.
 */
public final class SimulatedWorkHandler implements JobHandler {

	/** The bean name pullers use to name this handler. */
	public static final String NAME = "simulatedWork";

	private final Duration min;

	private final Duration max;

	public SimulatedWorkHandler(WorkerProperties.SimulatedWork range) {
		if (range.min().isNegative() || range.max().compareTo(range.min()) < 0) {
			throw new IllegalArgumentException(
					"simulated work needs 0 <= min <= max, got min " + range.min() + ", max " + range.max());
		}
		this.min = range.min();
		this.max = range.max();
	}

	@Override
	public void handle(Delivery job) throws InterruptedException {
		long spread = this.max.toMillis() - this.min.toMillis();
		long millis = this.min.toMillis() + ((spread > 0) ? ThreadLocalRandom.current().nextLong(spread + 1) : 0);
		Thread.sleep(millis);
	}

}
