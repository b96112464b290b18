package dev.dispatch.security;

import java.io.IOException;

import dev.dispatch.web.Routes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records every admin action — creating, configuring, closing, deleting a queue, and
 * whatever else needs the admin role — with who asked and how it ended: a line on the
 * {@code dev.dispatch.audit} logger, and the counter
 * {@code dispatch_admin_actions_total{action, outcome}} ({@code ok}, {@code denied},
 * {@code failed}). Runs in the security filter chain just before authorization, so it
 * sees refusals too.
 */
final class AdminAudit extends OncePerRequestFilter {

	private static final Log audit = LogFactory.getLog("dev.dispatch.audit");

	private final MeterRegistry meters;

	AdminAudit(MeterRegistry meters) {
		this.meters = meters;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Routes.Need need = Routes.need(request);
		if (need.queue() == null || !need.adminOnly()) {
			chain.doFilter(request, response);
			return;
		}
		String who = who(SecurityContextHolder.getContext().getAuthentication());
		boolean denied = false;
		try {
			chain.doFilter(request, response);
		}
		catch (AccessDeniedException ex) {
			denied = true;
			throw ex;
		}
		finally {
			if (denied || !request.isAsyncStarted()) {
				record(who, request, response, need.queue(), denied);
			}
			else {
				request.getAsyncContext().addListener(new AsyncListener() {

					@Override
					public void onComplete(AsyncEvent event) {
						record(who, request, response, need.queue(), false);
					}

					@Override
					public void onTimeout(AsyncEvent event) {
					}

					@Override
					public void onError(AsyncEvent event) {
					}

					@Override
					public void onStartAsync(AsyncEvent event) {
					}

				});
			}
		}
	}

	private void record(String who, HttpServletRequest request, HttpServletResponse response, String queue,
			boolean denied) {
		int status = response.getStatus();
		String action = action(request, queue, status);
		// a 403 from the controller: a setting that would reach beyond the caller's
		// grants
		boolean refused = denied || status == HttpServletResponse.SC_FORBIDDEN;
		String outcome = refused ? "denied" : (status < 400) ? "ok" : "failed";
		audit.info("%s %s queue %s: %s (%d)".formatted(who, action, queue, outcome, denied ? 403 : status));
		Counter.builder("dispatch.admin.actions")
			.description("admin actions (create, configure, close, delete, ...) by outcome: ok, denied, failed")
			.tag("action", action)
			.tag("outcome", outcome)
			.register(this.meters)
			.increment();
	}

	/** The action a request asks for, such as {@code configure} or {@code close}. */
	static String action(HttpServletRequest request, String queue, int status) {
		String path = request.getRequestURI();
		// what follows /v1/queues/<queue> (Routes.need found the queue there)
		String rest = path
			.substring(request.getContextPath().length() + (Routes.QUEUES + "/").length() + queue.length());
		return switch (request.getMethod()) {
			case "PUT" -> (status == HttpServletResponse.SC_CREATED) ? "create" : "configure";
			case "DELETE" -> "delete";
			case "POST" -> rest.matches("/[a-z-]{1,32}") ? rest.substring(1) : "other";
			default -> "other";
		};
	}

	private static String who(Authentication authentication) {
		if (authentication instanceof IdentityAuthentication proven) {
			return proven.identity().name();
		}
		return (authentication == null || authentication instanceof AnonymousAuthenticationToken) ? "anonymous"
				: authentication.getName();
	}

}
