package dev.dispatch.web.request;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.dispatch.web.poll.HttpProperties;
import dev.dispatch.web.problem.DispatchProblem;
import dev.dispatch.web.problem.ProblemJson;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Refuses a request whose {@code Content-Length} is over its endpoint's {@link BodyLimit}
 * as soon as its headers are in: 413 {@code payload-too-large}, naming the limit and its
 * value, and the connection closed, none of the body read. It stands in front of
 * {@link EagerBodies}, which would otherwise wait for the body to arrive — for a client
 * that declares ten gigabytes and sends ten bytes, until the idle timeout. A body without
 * a length (chunked) is held to the same limits by the reader that reads it.
 *
 * <p>
 * The endpoints that read a body are told apart by their method and the shape of their
 * path (a queue's settings, a put, a batch put, a take, a batch settle); a body sent to
 * any other endpoint, which reads none, is held to the largest limit of all.
 *
 * <p>
 * The answer goes out at once; the connection then lingers a little (at most
 * {@link #LINGER_BYTES} more of the body, for at most {@link #LINGER}) reading and
 * dropping what the client still sends, so that a client that sends its whole body before
 * it reads gets the 413 and not a connection reset by a close under its writes.
 */
final class BodyLimits extends Handler.Wrapper {

	/** Longest a refused request's connection reads on after the answer. */
	static final Duration LINGER = Duration.ofSeconds(2);

	/** Most bytes of a refused body read (and dropped) after the answer. */
	static final long LINGER_BYTES = 4L * 1024 * 1024;

	/** Where every path that names a queue continues after its context path. */
	private static final String QUEUES = "/v1/queues/";

	private final BodyLimit payload;

	private final BodyLimit batch;

	private final BodyLimit largest;

	BodyLimits(HttpProperties http, Handler handler) {
		super(handler);
		this.payload = BodyLimit.payload(http);
		this.batch = BodyLimit.batch(http);
		this.largest = BodyLimit.largest(http);
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		long declared = request.getLength();
		if (declared <= 0) {
			return super.handle(request, response, callback);
		}
		String path = request.getHttpURI().getPath();
		BodyLimit limit = limitFor(request.getMethod(), path);
		if (declared <= limit.bytes()) {
			return super.handle(request, response, callback);
		}
		DispatchProblem problem = limit.declaredTooLarge(declared);
		response.setStatus(problem.getStatusCode().value());
		response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
		response.getHeaders().put("X-Content-Type-Options", "nosniff");
		response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
		if (request.getConnectionMetaData().getHttpVersion().getVersion() <= HttpVersion.HTTP_1_1.getVersion()) {
			// the unread body would be taken for the next request
			response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
		}
		Callback lingering = Callback.from(() -> linger(request, callback), callback::failed);
		response.write(true, ByteBuffer.wrap(ProblemJson.of(problem.getBody(), path)), lingering);
		return true;
	}

	/**
	 * Reads and drops what the client still sends of a refused body, up to
	 * {@link #LINGER_BYTES} and for {@link #LINGER}, then ends the exchange (which closes
	 * the connection).
	 */
	private static void linger(Request request, Callback callback) {
		AtomicBoolean ended = new AtomicBoolean();
		Runnable end = () -> {
			if (ended.compareAndSet(false, true)) {
				callback.succeeded();
			}
		};
		Scheduler.Task timer = request.getComponents().getScheduler().schedule(end, LINGER);
		drop(request, new long[] { LINGER_BYTES }, () -> {
			timer.cancel();
			end.run();
		}, ended);
	}

	private static void drop(Request request, long[] left, Runnable done, AtomicBoolean ended) {
		while (!ended.get()) {
			Content.Chunk chunk = request.read();
			if (chunk == null) {
				request.demand(() -> drop(request, left, done, ended));
				return;
			}
			boolean last = chunk.isLast() || Content.Chunk.isFailure(chunk);
			left[0] -= chunk.remaining();
			chunk.release();
			if (last || left[0] <= 0) {
				done.run();
				return;
			}
		}
	}

	/** The limit the endpoint at {@code method} and {@code path} reads its body with. */
	BodyLimit limitFor(String method, String path) {
		int start = path.indexOf(QUEUES);
		if (start < 0) {
			return this.largest;
		}
		String rest = path.substring(start + QUEUES.length());
		int slash = rest.indexOf('/');
		String under = (slash < 0) ? "" : rest.substring(slash);
		return switch (method + " " + under) {
			case "PUT " -> BodyLimit.SETTINGS;
			case "POST /jobs" -> this.payload;
			case "POST /jobs/batch" -> this.batch;
			case "POST /leases" -> BodyLimit.TAKE;
			case "POST /leases/settle" -> BodyLimit.SETTLE;
			default -> this.largest;
		};
	}

}
