package dev.dispatch.client;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Waits for a condition that another thread or process brings about, within a bound. */
final class Eventually {

	private Eventually() {
	}

	static void within(Duration bound, String what, BooleanSupplier condition) {
		Instant deadline = Instant.now().plus(bound);
		while (!condition.getAsBoolean()) {
			if (Instant.now().isAfter(deadline)) {
				throw new AssertionError("not within " + bound + ": " + what);
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("interrupted waiting for: " + what, ex);
			}
		}
	}

}
