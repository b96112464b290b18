package dev.dispatch.web.poll;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
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
 * pipelined another request behind this one.
 *
 * <p>
 * Jetty may report a connection readable when it is not: the selector saw bytes that
 * another thread then read (the request now parked, read at once after the previous
 * answer), and the report reaches whoever is interested by then. So a report is checked
 * by reading: nothing read is a false alarm and the watch goes on; the end of the stream
 * (or an error) means the client is gone; bytes are a pipelined request — they are handed
 * back to the connection, which parses them once the parked request is answered, and the
 * parked request is answered at once.
 *
 * <p>
 * The interest must be withdrawn before the answer is written: Jetty's connection
 * registers its own read interest once the response completes and treats one still
 * pending as an error. Hence {@link #stop()}, which every path that answers a parked
 * request calls first, which is idempotent, and which waits for a check in progress so
 * that only one reader ever reads the connection.
 */
final class ConnectionWatch {

	/** How much of a pipelined request one check reads (and hands back). */
	private static final int PROBE_BYTES = 1024;

	private final AbstractEndPoint endPoint;

	private final Runnable onGone;

	private final Callback readable;

	/** Whether this watch's interest may still be registered; guarded by {@code this}. */
	private boolean armed;

	/**
	 * Whether a registration under the lock failed at once: the client is gone, to be
	 * acted on once the lock is released. Guarded by {@code this}.
	 */
	private boolean gone;

	private ConnectionWatch(AbstractEndPoint endPoint, Runnable onGone) {
		this.endPoint = endPoint;
		this.onGone = onGone;
		this.readable = Callback.from(this::check, (failure) -> failed());
	}

	/**
	 * A watch on the connection of {@code request}, not started: made before the request
	 * is parked, so that a request the service cannot watch is refused before anything of
	 * it is counted.
	 * @param onGone what to call (on one of Jetty's threads) if the connection is closed,
	 * fails or brings a pipelined request before {@link #stop()}
	 * @throws IllegalStateException if the request did not come through a connector of
	 * Jetty's, whose endpoint can be watched (the service runs on Jetty)
	 */
	static ConnectionWatch of(HttpServletRequest request, Runnable onGone) {
		ServletContextRequest jettyRequest = ServletContextRequest.getServletContextRequest(request);
		EndPoint endPoint = (jettyRequest != null) ? jettyRequest.getConnectionMetaData().getConnection().getEndPoint()
				: null;
		if (!(endPoint instanceof AbstractEndPoint watched)) {
			throw new IllegalStateException("a parked request's connection is watched through Jetty's endpoint; "
					+ request.getClass().getName() + " has none");
		}
		return new ConnectionWatch(watched, onGone);
	}

	/**
	 * Starts watching the connection of {@code request}, the one this watch was made for.
	 * Reads what is left of the request's body first (blocking until it has arrived); if
	 * that fails, the client is gone: {@code onGone} is called at once, and nothing is
	 * watched.
	 */
	void start(HttpServletRequest request) {
		try {
			// a body no one reads (a take's) must not arrive later, looking like the
			// client speaking: read it to its end now
			request.getInputStream().transferTo(OutputStream.nullOutputStream());
		}
		catch (IOException gone) {
			this.onGone.run();
			return;
		}
		arm();
	}

	/** Registers the read interest, unless another reader holds it. */
	private void arm() {
		boolean gone;
		synchronized (this) {
			// armed first: a registration that fails at once calls failed() before
			// tryFillInterested returns
			this.armed = true;
			if (!this.endPoint.tryFillInterested(this.readable)) {
				this.armed = false;
			}
			gone = takeGone();
		}
		if (gone) {
			this.onGone.run();
		}
	}

	/**
	 * Checks a report that the connection is readable by reading from it; see the class
	 * comment.
	 */
	private void check() {
		boolean gone;
		synchronized (this) {
			if (!this.armed) {
				return;
			}
			ByteBuffer read = BufferUtil.allocate(PROBE_BYTES);
			int filled;
			try {
				filled = this.endPoint.fill(read);
			}
			catch (IOException failed) {
				filled = -1;
			}
			if (filled == 0) {
				if (!this.endPoint.tryFillInterested(this.readable)) {
					this.armed = false;
				}
				gone = takeGone();
			}
			else {
				if (filled > 0 && this.endPoint.getConnection() instanceof Connection.UpgradeTo connection) {
					connection.onUpgradeTo(read);
				}
				this.armed = false;
				gone = true;
			}
		}
		if (gone) {
			this.onGone.run();
		}
	}

	/**
	 * The interest failed: the connection broke. Called by Jetty, or from within a
	 * registration under this watch's lock (then only noted, and acted on after it).
	 */
	private void failed() {
		// nested: a registration under this lock failed at once
		boolean nested = Thread.holdsLock(this);
		synchronized (this) {
			if (!this.armed) {
				return;
			}
			this.armed = false;
			if (nested) {
				this.gone = true;
				return;
			}
		}
		this.onGone.run();
	}

	/** Whether a failure was noted during a registration; clears the note. */
	private boolean takeGone() {
		boolean was = this.gone;
		this.gone = false;
		return was;
	}

	/** Withdraws the read interest if it is still registered; does nothing after that. */
	void stop() {
		synchronized (this) {
			if (!this.armed) {
				return;
			}
			this.armed = false;
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
