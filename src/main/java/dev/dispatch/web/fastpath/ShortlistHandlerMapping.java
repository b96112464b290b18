package dev.dispatch.web.fastpath;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Spring MVC's mapping of requests to {@code @RequestMapping} methods, finding a
 * request's handler among the few mappings its path could match rather than among all.
 *
 * <p>
 * Spring looks a path up directly only when a mapping names it whole; the API's paths
 * have variables ({@code /v1/queues/{queue}/jobs}), so for them Spring tries every
 * mapping's conditions and patterns, and keeps the best match: 5 % of a put's CPU. Here
 * each mapping is first told by cheap checks of the path: its pattern's leading literal
 * segments and its number of segments. The conditions of those that pass are checked as
 * Spring checks them; exactly one that matches is the handler, as Spring would find (no
 * mapping that fails the checks could match). Anything else — no match or several, a CORS
 * pre-flight, a path with an encoded or empty segment, a trailing slash or matrix
 * variables, patterns not parsed by a case-sensitive {@link PathPatternParser} — goes to
 * Spring's own look-up.
 *
 * <p>
 * It is also ordered ahead of the actuator's endpoint mapping, which every API request
 * used to try in vain first; none of the application's paths is under {@code /actuator}.
 */
final class ShortlistHandlerMapping extends RequestMappingHandlerMapping {

	/** Ahead of the actuator's web endpoints (-100). */
	static final int ORDER = -200;

	/** The mappings and what their paths need; {@code null} until built or disabled. */
	private volatile List<Candidate> candidates;

	/** Whether the mappings changed since {@link #candidates} was built. */
	private volatile boolean stale = true;

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
		HandlerMethod found = shortlisted(lookupPath, request);
		return (found != null) ? found : super.lookupHandlerMethod(lookupPath, request);
	}

	/**
	 * The handler of the one mapping that matches the request among those its path could
	 * match, the request's attributes set as Spring sets them; {@code null} when Spring's
	 * own look-up must decide: no match (Spring then answers 404, or 405 or 415 when only
	 * a condition failed), several (Spring ranks them), or a request not looked up here.
	 */
	HandlerMethod shortlisted(String lookupPath, HttpServletRequest request) {
		List<Candidate> all = candidates();
		if (all == null || !plain(lookupPath) || CorsUtils.isPreFlightRequest(request)) {
			return null;
		}
		String[] segments = segments(lookupPath);
		Candidate found = null;
		RequestMappingInfo matched = null;
		for (Candidate candidate : all) {
			if (!candidate.mayMatch(segments)) {
				continue;
			}
			RequestMappingInfo match = getMatchingMapping(candidate.info(), request);
			if (match != null) {
				if (found != null) {
					return null;
				}
				found = candidate;
				matched = match;
			}
		}
		if (found == null) {
			return null;
		}
		request.setAttribute(BEST_MATCHING_HANDLER_ATTRIBUTE, found.handler());
		handleMatch(matched, lookupPath, request);
		return found.handler();
	}

	@Override
	protected void registerHandlerMethod(Object handler, Method method, RequestMappingInfo mapping) {
		super.registerHandlerMethod(handler, method, mapping);
		this.stale = true;
	}

	@Override
	public void registerMapping(RequestMappingInfo mapping, Object handler, Method method) {
		super.registerMapping(mapping, handler, method);
		this.stale = true;
	}

	@Override
	public void unregisterMapping(RequestMappingInfo mapping) {
		super.unregisterMapping(mapping);
		this.stale = true;
	}

	private List<Candidate> candidates() {
		if (this.stale) {
			this.stale = false;
			this.candidates = build();
		}
		return this.candidates;
	}

	private List<Candidate> build() {
		PathPatternParser parser = getPatternParser();
		if (parser == null || !parser.isCaseSensitive()) {
			return null;
		}
		List<Candidate> built = new ArrayList<>();
		for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : getHandlerMethods().entrySet()) {
			RequestMappingInfo info = mapping.getKey();
			if (info.getPathPatternsCondition() == null) {
				return null;
			}
			List<Shape> shapes = new ArrayList<>();
			for (PathPattern pattern : info.getPathPatternsCondition().getPatterns()) {
				shapes.add(Shape.of(pattern.getPatternString()));
			}
			built.add(new Candidate(info, mapping.getValue(), List.copyOf(shapes)));
		}
		return List.copyOf(built);
	}

	/**
	 * Whether the path's segments are what its patterns are matched against as they are:
	 * nothing encoded, no matrix variables, no empty segment, no trailing slash.
	 */
	static boolean plain(String path) {
		if (!path.startsWith("/") || path.indexOf('%') >= 0 || path.indexOf(';') >= 0 || path.contains("//")) {
			return false;
		}
		return path.length() == 1 || !path.endsWith("/");
	}

	/** The segments of a {@linkplain #plain plain} path ("/" has none). */
	static String[] segments(String path) {
		return (path.length() == 1) ? new String[0] : path.substring(1).split("/", -1);
	}

	/**
	 * A mapping, its handler and the shapes of the paths its patterns can match.
	 */
	private record Candidate(RequestMappingInfo info, HandlerMethod handler, List<Shape> shapes) {

		boolean mayMatch(String[] segments) {
			for (Shape shape : this.shapes) {
				if (shape.mayMatch(segments)) {
					return true;
				}
			}
			return false;
		}

	}

	/**
	 * What a path needs to match a pattern: its leading literal segments, and its number
	 * of segments unless the pattern captures any number.
	 *
	 * @param literals the pattern's segments before the first with a variable or wildcard
	 * @param segments how many segments it matches, or -1 for any number
	 */
	record Shape(List<String> literals, int segments) {

		/** A shape that may match any path: for patterns not told apart here. */
		static final Shape ANY = new Shape(List.of(), -1);

		static Shape of(String pattern) {
			if (!plain(pattern)) {
				return ANY;
			}
			String[] parts = ShortlistHandlerMapping.segments(pattern);
			boolean open = false;
			for (String part : parts) {
				// "**" and "{*rest}" match any number of segments, none included
				open = open || part.contains("**") || part.startsWith("{*");
			}
			return new Shape(leading(parts), open ? -1 : parts.length);
		}

		/** The leading segments made of literal characters only. */
		private static List<String> leading(String[] parts) {
			List<String> literals = new ArrayList<>();
			for (String part : parts) {
				if (part.isEmpty() || !part.chars().allMatch(Shape::literal)) {
					break;
				}
				literals.add(part);
			}
			return List.copyOf(literals);
		}

		/**
		 * Characters a literal segment is made of (and no variable, wildcard or escape).
		 */
		private static boolean literal(int c) {
			return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
					|| c == '.' || c == '~';
		}

		boolean mayMatch(String[] path) {
			if (this.segments >= 0 ? path.length != this.segments : path.length < this.literals.size()) {
				return false;
			}
			for (int i = 0; i < this.literals.size(); i++) {
				if (!this.literals.get(i).equals(path[i])) {
					return false;
				}
			}
			return true;
		}

	}

	/** Puts this mapping in the place of Spring Boot's. */
	@Component
	static class Registration implements WebMvcRegistrations {

		@Override
		public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
			return new ShortlistHandlerMapping();
		}

	}

}
