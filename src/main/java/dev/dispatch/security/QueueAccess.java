package dev.dispatch.security;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;

import dev.dispatch.web.poll.Caller;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueNames;
import dev.dispatch.queue.QueueRegistry;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Decides whether a request's identity may do what the request asks on its queue: the
 * role each endpoint needs is read off its method and path (below), and the identity must
 * hold it on the queue by one of its patterns. A queue's conventional dead-letter queue
 * ({@code <queue>.dead}) is open, for every role, to those who administer the queue.
 *
 * <ul>
 * <li>put ({@code POST …/jobs}): producer</li>
 * <li>take ({@code POST …/leases}), ack, nack, extend, release: consumer</li>
 * <li>a queue's info ({@code GET /v1/queues/q}): consumer or admin</li>
 * <li>join ({@code GET …/join}): producer, consumer or admin</li>
 * <li>anything else on a queue (create, configure, close, delete, and what comes):
 * admin</li>
 * <li>the list of queues, and paths that name no queue: any identity (the list shows the
 * queues it holds a role on)</li>
 * </ul>
 */
final class QueueAccess implements AuthorizationManager<RequestAuthorizationContext> {

	private static final Set<String> SETTLE = Set.of("ack", "nack", "extend", "release");

	/** How long the dead-letter rule may wait to read a queue's configuration. */
	private static final long LOOKUP_SECONDS = 5;

	private static final AuthorizationDecision ALLOW = new AuthorizationDecision(true);

	private static final AuthorizationDecision DENY = new AuthorizationDecision(false);

	private final QueueRegistry registry;

	QueueAccess(QueueRegistry registry) {
		this.registry = registry;
	}

	@Override
	public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
			RequestAuthorizationContext context) {
		Authentication auth = authentication.get();
		if (!(auth instanceof IdentityAuthentication proven)) {
			return DENY;
		}
		Identity identity = proven.identity();
		context.getRequest().setAttribute(Caller.ATTRIBUTE, identity.name());
		Need need = need(context.getRequest());
		if (need.queue() == null) {
			return ALLOW;
		}
		for (Role role : need.roles()) {
			if (identity.may(role, need.queue())) {
				return ALLOW;
			}
		}
		return administersSourceOf(identity, need.queue()) ? ALLOW : DENY;
	}

	/** The roles any one of which a request needs, on its queue (null: no queue). */
	record Need(String queue, Set<Role> roles) {

		static final Need NONE = new Need(null, Set.of());

		/** Whether only an admin may do it (what {@link AdminAudit} records). */
		boolean adminOnly() {
			return this.roles.size() == 1 && this.roles.contains(Role.ADMIN);
		}

	}

	private static final Set<Role> READERS = Set.of(Role.CONSUMER, Role.ADMIN);

	private static final Set<Role> PRODUCERS = Set.of(Role.PRODUCER);

	private static final Set<Role> CONSUMERS = Set.of(Role.CONSUMER);

	private static final Set<Role> ADMINS = Set.of(Role.ADMIN);

	private static final Set<Role> ANY = Set.of(Role.values());

	private static final String QUEUES = "/v1/queues/";

	/**
	 * Read off the path by hand, without splitting it into an array: this runs on every
	 * request, twice (here and in {@link AdminAudit}).
	 */
	static Need need(HttpServletRequest request) {
		String uri = request.getRequestURI();
		int start = request.getContextPath().length() + QUEUES.length();
		if (!uri.startsWith(QUEUES, start - QUEUES.length())) {
			return Need.NONE;
		}
		int end = uri.indexOf('/', start);
		String queue = uri.substring(start, (end < 0) ? uri.length() : end);
		if (queue.isEmpty()) {
			return Need.NONE;
		}
		String method = request.getMethod();
		String rest = (end < 0) ? null : uri.substring(end + 1);
		if ((rest == null || isJob(rest)) && method.equals("GET")) {
			// a queue's info, or one of its jobs
			return new Need(queue, READERS);
		}
		if (("jobs".equals(rest) || "jobs/batch".equals(rest)) && method.equals("POST")) {
			return new Need(queue, PRODUCERS);
		}
		if (("leases".equals(rest) || "leases/settle".equals(rest)) && method.equals("POST")) {
			return new Need(queue, CONSUMERS);
		}
		if (rest != null && rest.startsWith("leases/") && method.equals("POST")) {
			int slash = rest.indexOf('/', "leases/".length());
			if (slash > "leases/".length() && SETTLE.contains(rest.substring(slash + 1))) {
				return new Need(queue, CONSUMERS);
			}
		}
		if ("join".equals(rest) && method.equals("GET")) {
			return new Need(queue, ANY);
		}
		return new Need(queue, ADMINS);
	}

	/**
	 * Whether {@code rest} of a queue's path names its jobs ({@code jobs}, read with GET)
	 * or one of them: {@code jobs/<id>}.
	 */
	private static boolean isJob(String rest) {
		return rest.equals("jobs") || (rest.startsWith("jobs/") && rest.length() > "jobs/".length()
				&& rest.indexOf('/', "jobs/".length()) < 0);
	}

	/**
	 * Whether {@code queue} is the conventional dead-letter queue ({@code <source>.dead})
	 * of a queue {@code identity} administers by its own grants, and still that queue's
	 * dead-letter queue. Asked only when its own grants fall short. A dead-letter queue
	 * set by name is never opened this way: its name is within the grants of whoever set
	 * it ({@link OwnGrants}), or it serves queues of several owners and needs a grant of
	 * its own.
	 */
	private boolean administersSourceOf(Identity identity, String queue) {
		if (!identity.roles().contains(Role.ADMIN) || !QueueNames.isValid(queue)) {
			return false;
		}
		String suffix = QueueNames.deadLetterQueueOf("");
		if (!queue.endsWith(suffix)) {
			return false;
		}
		if (queue.length() == QueueNames.MAX_LENGTH) {
			// the name may have been cut to fit: its sources are found by looking, and
			// every one of them must be the caller's
			boolean any = false;
			for (JobQueue source : this.registry.list()) {
				if (QueueNames.deadLetterQueueOf(source.name()).equals(queue)
						&& deadLetterQueueOf(source.name()).filter(queue::equals).isPresent()) {
					if (!identity.may(Role.ADMIN, source.name())) {
						return false;
					}
					any = true;
				}
			}
			return any;
		}
		String source = queue.substring(0, queue.length() - suffix.length());
		return identity.may(Role.ADMIN, source) && deadLetterQueueOf(source).filter(queue::equals).isPresent();
	}

	private Optional<String> deadLetterQueueOf(String source) {
		if (!QueueNames.isValid(source)) {
			return Optional.empty();
		}
		return this.registry.find(source).map((q) -> {
			try {
				return q.snapshot().get(LOOKUP_SECONDS, TimeUnit.SECONDS).config().deadLetterQueueFor(source);
			}
			catch (Exception ex) {
				return null;
			}
		});
	}

}
