package dev.dispatch.web;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpMethod;

/**
 * The API's routes: each endpoint's method and path, and the roles that may call it. The
 * controllers map their handlers to these paths, and the security layer asks
 * {@link #need} what a request needs, so there is one table of routes, not two that may
 * drift apart; {@code RoutesTest} fails when a controller maps an API path that is not
 * here, so that no endpoint comes without its roles.
 *
 * <p>
 * A caller needs one of a route's roles on the queue in the path. A route that names no
 * queue (the list of queues) is open to every caller. A path under a queue that no route
 * takes (it answers 404 or 405) needs the admin role, as anything new on a queue would.
 */
public final class Routes {

	public static final String QUEUES = "/v1/queues";

	public static final String QUEUE = QUEUES + "/{queue}";

	public static final String JOBS = QUEUE + "/jobs";

	public static final String JOB_BATCH = JOBS + "/batch";

	public static final String JOB = JOBS + "/{id}";

	public static final String LEASES = QUEUE + "/leases";

	public static final String SETTLE = LEASES + "/settle";

	public static final String ACK = LEASES + "/{leaseId}/ack";

	public static final String NACK = LEASES + "/{leaseId}/nack";

	public static final String RELEASE = LEASES + "/{leaseId}/release";

	public static final String EXTEND = LEASES + "/{leaseId}/extend";

	public static final String CLOSE = QUEUE + "/close";

	public static final String REDRIVE = QUEUE + "/redrive";

	public static final String PURGE = QUEUE + "/purge";

	public static final String PAUSE = QUEUE + "/pause";

	public static final String RESUME = QUEUE + "/resume";

	public static final String JOIN = QUEUE + "/join";

	public static final String HISTORY = QUEUE + "/history";

	private static final List<Route> ALL = List.of(
			// every caller; the list shows the queues it holds a role on
			route(HttpMethod.GET, QUEUES), route(HttpMethod.GET, QUEUE, Role.CONSUMER, Role.ADMIN),
			route(HttpMethod.PUT, QUEUE, Role.ADMIN), route(HttpMethod.DELETE, QUEUE, Role.ADMIN),
			route(HttpMethod.POST, JOBS, Role.PRODUCER), route(HttpMethod.POST, JOB_BATCH, Role.PRODUCER),
			route(HttpMethod.GET, JOBS, Role.CONSUMER, Role.ADMIN),
			route(HttpMethod.GET, JOB, Role.CONSUMER, Role.ADMIN), route(HttpMethod.POST, LEASES, Role.CONSUMER),
			route(HttpMethod.POST, SETTLE, Role.CONSUMER), route(HttpMethod.POST, ACK, Role.CONSUMER),
			route(HttpMethod.POST, NACK, Role.CONSUMER), route(HttpMethod.POST, RELEASE, Role.CONSUMER),
			route(HttpMethod.POST, EXTEND, Role.CONSUMER), route(HttpMethod.POST, CLOSE, Role.ADMIN),
			route(HttpMethod.POST, REDRIVE, Role.ADMIN), route(HttpMethod.POST, PURGE, Role.ADMIN),
			route(HttpMethod.POST, PAUSE, Role.ADMIN), route(HttpMethod.POST, RESUME, Role.ADMIN),
			route(HttpMethod.GET, JOIN, Role.PRODUCER, Role.CONSUMER, Role.ADMIN),
			route(HttpMethod.GET, HISTORY, Role.CONSUMER, Role.ADMIN));

	/** The routes on a queue, tried in order for a request whose path names one. */
	private static final List<Route> ON_A_QUEUE = ALL.stream().filter(Route::onAQueue).toList();

	/** What every path starts with that names a queue. */
	private static final String QUEUE_PREFIX = QUEUES + "/";

	private static final Set<Role> ADMINS = Set.of(Role.ADMIN);

	private Routes() {
	}

	/** Every route of the API. */
	public static List<Route> all() {
		return ALL;
	}

	/**
	 * What {@code request} needs: one of its route's roles on the queue in its path. Read
	 * off the path by hand, without splitting it: this runs on every request, twice (to
	 * authorize it, and to audit it).
	 */
	public static Need need(HttpServletRequest request) {
		String uri = request.getRequestURI();
		int start = request.getContextPath().length() + QUEUE_PREFIX.length();
		if (!uri.startsWith(QUEUE_PREFIX, start - QUEUE_PREFIX.length())) {
			return Need.NONE;
		}
		int end = uri.indexOf('/', start);
		String queue = uri.substring(start, (end < 0) ? uri.length() : end);
		if (queue.isEmpty()) {
			return Need.NONE;
		}
		String method = request.getMethod();
		for (Route route : ON_A_QUEUE) {
			if (route.method().name().equals(method) && route.takesRest(uri, end)) {
				return new Need(queue, route.roles());
			}
		}
		return new Need(queue, ADMINS);
	}

	private static Route route(HttpMethod method, String path, Role... roles) {
		return new Route(method, path, (roles.length == 0) ? Set.of() : Set.copyOf(EnumSet.of(roles[0], roles)));
	}

	/**
	 * What a request needs: one of {@code roles} on {@code queue}; with no queue
	 * ({@code null}), nothing but to be a known caller.
	 *
	 * @param queue the queue its path names, or {@code null}
	 * @param roles the roles any one of which it needs there
	 */
	public record Need(String queue, Set<Role> roles) {

		/** A request whose path names no queue. */
		public static final Need NONE = new Need(null, Set.of());

		/** Whether only an admin may do it (what the audit records). */
		public boolean adminOnly() {
			return this.roles.size() == 1 && this.roles.contains(Role.ADMIN);
		}

	}

	/**
	 * An endpoint: its method and path, as the controller maps it, and the roles that may
	 * call it (none: every caller).
	 */
	public static final class Route {

		private final HttpMethod method;

		private final String path;

		private final Set<Role> roles;

		/**
		 * The segments of the path after the queue's (on a queue's routes): a literal, or
		 * {@code null} for a variable.
		 */
		private final String[] rest;

		Route(HttpMethod method, String path, Set<Role> roles) {
			this.method = method;
			this.path = path;
			this.roles = roles;
			this.rest = onAQueue() ? segmentsAfter(path.substring(QUEUE.length())) : null;
		}

		/** The HTTP method. */
		public HttpMethod method() {
			return this.method;
		}

		/** The path pattern, with variables in braces, as the controller maps it. */
		public String path() {
			return this.path;
		}

		/** The roles any one of which a caller needs on the queue in the path. */
		public Set<Role> roles() {
			return this.roles;
		}

		/** Whether the path names a queue: it starts {@code /v1/queues/{queue}}. */
		boolean onAQueue() {
			return this.path.equals(QUEUE) || this.path.startsWith(QUEUE + "/");
		}

		private static String[] segmentsAfter(String rest) {
			List<String> segments = new ArrayList<>();
			for (String segment : rest.split("/")) {
				if (!segment.isEmpty()) {
					segments.add((segment.startsWith("{") && segment.endsWith("}")) ? null : segment);
				}
			}
			return segments.toArray(String[]::new);
		}

		/**
		 * Whether what follows the queue's name in {@code uri}, from {@code from} (the
		 * slash after it, or -1 for nothing), is this route's: its literal segments as
		 * they are, each variable one segment, not empty.
		 */
		boolean takesRest(String uri, int from) {
			if (from < 0) {
				return this.rest.length == 0;
			}
			int at = from;
			for (String segment : this.rest) {
				if (at >= uri.length()) {
					return false;
				}
				int next = uri.indexOf('/', at + 1);
				int stop = (next < 0) ? uri.length() : next;
				boolean taken = (segment != null) ? stop - at - 1 == segment.length() && uri.startsWith(segment, at + 1)
						: stop > at + 1;
				if (!taken) {
					return false;
				}
				at = stop;
			}
			return at == uri.length();
		}

		@Override
		public String toString() {
			return this.method + " " + this.path + " " + this.roles;
		}

	}

}
