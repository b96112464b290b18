package dev.dispatch.queue.job;

import java.util.random.RandomGenerator;

/** Lanes for randomized tests. */
public final class Lanes {

	private Lanes() {
	}

	/**
	 * Half the time the default lane (so that a queue keeps going from all jobs in the
	 * default lane to some elsewhere and back); else any priority, in the default group
	 * or one of four others.
	 */
	public static Lane random(RandomGenerator random) {
		if (random.nextBoolean()) {
			return Lane.DEFAULT;
		}
		int group = random.nextInt(5);
		return Lane.of(random.nextInt(Lane.MIN_PRIORITY, Lane.MAX_PRIORITY + 1), (group == 0) ? null : "g" + group);
	}

}
