package dev.dispatch.client;

import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * What a loop over a queue does when a request fails, for {@link DispatchConsumer} and
 * {@link Jobs}: refused ({@code 401}, {@code 403}) or a request the service will never
 * take: throw, at once; a queue that does not exist yet: wait for it, said once; the
 * service unreachable, busy or without its backend: wait its {@code Retry-After}, or else
 * a backoff that grows with the failures in a row. Not thread-safe: one loop's.
 */
final class Recovery {

	private static final System.Logger LOG = System.getLogger(DispatchConsumer.class.getName());

	private final String queue;

	private final Backoff backoff;

	private int failures;

	private boolean saidMissing;

	Recovery(String queue, Backoff backoff) {
		this.queue = queue;
		this.backoff = backoff;
	}

	/**
	 * How long to wait before asking again.
	 * @throws DispatchException the failure itself, when asking again would not help
	 */
	Duration onFailure(DispatchException failure) {
		this.failures++;
		Duration wait = failure.retryAfter().orElseGet(() -> this.backoff.delay(this.failures));
		if (failure instanceof QueueNotFoundException) {
			if (!this.saidMissing) {
				LOG.log(Level.WARNING, "queue {0} does not exist yet; waiting for it ({1})", this.queue,
						failure.getMessage());
				this.saidMissing = true;
			}
			return wait;
		}
		if (failure instanceof DispatchRefusedException || !failure.isRetryable()) {
			throw failure;
		}
		LOG.log((this.failures == 1) ? Level.WARNING : Level.DEBUG,
				"{0}; asking again in {1} ms (failure {2} in a row)", failure.getMessage(), wait.toMillis(),
				this.failures);
		return wait;
	}

	/** A request succeeded. */
	void reset() {
		if (this.failures > 0 && !this.saidMissing) {
			LOG.log(Level.INFO, "queue {0}: the service answers again after {1} failed requests", this.queue,
					this.failures);
		}
		this.failures = 0;
		this.saidMissing = false;
	}

}
