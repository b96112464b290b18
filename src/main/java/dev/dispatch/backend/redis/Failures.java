package dev.dispatch.backend.redis;

import java.util.concurrent.CompletionException;

/** What a failed Redis call failed of. */
final class Failures {

	private Failures() {
	}

	/**
	 * The failure itself, out of the {@link CompletionException} a dependent stage of a
	 * future wraps it in.
	 */
	static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

}
