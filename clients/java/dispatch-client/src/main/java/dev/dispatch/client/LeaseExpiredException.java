package dev.dispatch.client;

/**
 * {@code 410 lease-expired}: the lease is not held any more (settled, expired, or never
 * issued); the job may be delivered again.
 */
public class LeaseExpiredException extends DispatchException {

	LeaseExpiredException(Problem problem) {
		super(problem, null);
	}

}
