package dev.dispatch.client;

/**
 * The service refused the caller: {@code 401} (no credential, or an unknown, revoked or
 * expired one) or {@code 403} (the credential's roles do not allow this request on this
 * queue). Asking again would not help: a consumer loop stops at once with this.
 */
public class DispatchRefusedException extends DispatchException {

	DispatchRefusedException(Problem problem) {
		super(problem, null);
	}

}
