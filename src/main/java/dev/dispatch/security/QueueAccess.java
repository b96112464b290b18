package dev.dispatch.security;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueNames;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.web.Role;
import dev.dispatch.web.Routes;
import dev.dispatch.web.poll.Caller;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Decides whether a request's identity may do what the request asks on its queue: the web
 * layer's table of routes ({@link Routes}) says which roles the request needs, and the
 * identity must hold one of them on the queue by one of its patterns. A queue's
 * conventional dead-letter queue ({@code <queue>.dead}) is open, for every role, to those
 * who administer the queue. Paths that name no queue (the list of queues, which shows the
 * queues the caller holds a role on) are open to any identity.
 */
final class QueueAccess implements AuthorizationManager<RequestAuthorizationContext> {

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
		Routes.Need need = Routes.need(context.getRequest());
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
