package dev.dispatch.web;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * Notices that the client of a parked request has gone away.
 *
 * <p>
 * Servlet containers do not read from a connection while its request is asynchronous, so
 * a client that closes its socket during a long poll goes unnoticed until the answer is
 * written — too late for a job already handed to it. While a request is parked, this asks
 * Jetty's endpoint to report the connection readable. An HTTP/1.1 client that awaits its
 * answer sends nothing, so readable means the client closed (or reset) the connection, or
 * pipelined another request behind this one; either way the parked request is answered at
 * once, and nothing is read, so a pipelined request is served next as usual.
 *
 * <p>
 * The interest must be withdrawn before the answer is written: Jetty's connection
 * registers its own read interest once the response completes and treats one still
 * pending as an error. Hence {@link #stop()}, which every path that answers a parked
 * request calls first, and which is idempotent.
 */
final class ConnectionWatch {

	/** Watches nothing: for requests not served by Jetty (mock requests in tests). */
	static final ConnectionWatch NONE = new ConnectionWatch(null);

	private final AbstractEndPoint endPoint;

	/** Whether this watch's interest may still be registered. */
	private final AtomicBoolean armed = new AtomicBoolean();

	private ConnectionWatch(AbstractEndPoint endPoint) {
		this.endPoint = endPoint;
	}

	/**
	 * Calls {@code onGone} (on one of Jetty's threads) if the connection of
	 * {@code request} becomes readable or fails before {@link #stop()}. Reads what is
	 * left of the request's body first (blocking until it has arrived).
	 */
	static ConnectionWatch start(HttpServletRequest request, Runnable onGone) {
		ServletContextRequest jettyRequest = ServletContextRequest.getServletContextRequest(request);
		EndPoint endPoint = (jettyRequest != null) ? jettyRequest.getConnectionMetaData().getConnection().getEndPoint()
				: null;
		if (!(endPoint instanceof AbstractEndPoint ep)) {
			return NONE;
		}
		try {
			// a body no one reads (a take's) must not arrive later, looking like the
			// client speaking: read it to its end now
			request.getInputStream().transferTo(OutputStream.nullOutputStream());
		}
		catch (IOException gone) {
			onGone.run();
			return NONE;
		}
		ConnectionWatch watch = new ConnectionWatch(ep);
		watch.armed.set(true);
		Callback gone = Callback.from(() -> watch.fire(onGone), (failure) -> watch.fire(onGone));
		if (!ep.tryFillInterested(gone)) {
			// another reader is registered: nothing to watch or to withdraw
			watch.armed.set(false);
		}
		return watch;
	}

	private void fire(Runnable onGone) {
		if (this.armed.compareAndSet(true, false)) {
			onGone.run();
		}
	}

	/** Withdraws the read interest if it is still registered; does nothing after that. */
	void stop() {
		if (this.armed.compareAndSet(true, false)) {
			this.endPoint.getFillInterest().onFail(new WatchStopped());
		}
	}

	/**
	 * Fails the watch's own callback when the watch is withdrawn; never seen by clients.
	 */
	private static final class WatchStopped extends Exception {

		WatchStopped() {
			super("connection watch stopped", null, false, false);
		}

	}

}
