package dev.dispatch.web.poll;

import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The wait {@link LongPolls#grant} gave a request.
 *
 * @param request the request, whose connection is watched while it is parked
 * @param queue the queue it waits on
 * @param client who sent it, if it was authenticated
 * @param granted how long it may park
 * @param limited whether it was denied parking by a limit (an empty outcome then answers
 * 503 {@code too-many-waiters})
 */
public record Grant(HttpServletRequest request, String queue, String client, Duration granted, boolean limited) {
}
