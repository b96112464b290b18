package dev.dispatch.web.poll;

/**
 * How the security layer tells the web layer who sent a request: the caller's name in a
 * request attribute (the web layer tells callers apart by it, e.g. for
 * {@code dispatch.http.max-waiters-per-client}); absent when no credentials are used.
 */
public final class Caller {

	/** The request attribute that holds the authenticated caller's name. */
	public static final String ATTRIBUTE = Caller.class.getName();

	private Caller() {
	}

}
