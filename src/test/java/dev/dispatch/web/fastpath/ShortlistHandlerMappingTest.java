package dev.dispatch.web.fastpath;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.dispatch.web.fastpath.ShortlistHandlerMapping;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ShortlistHandlerMapping} finds the handler Spring's own look-up finds, with the
 * same request attributes, or fails the same way, for a request to every mapping of the
 * application in every method, and for paths near them.
 */
@SpringBootTest
class ShortlistHandlerMappingTest {

	@Autowired
	ApplicationContext context;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mapping;

	private SpringsOwnMapping springsOwn;

	@Test
	void itIsSpringMvcsMappingAndComesBeforeTheActuatorsEndpoints() {
		assertThat(this.mapping).isInstanceOf(ShortlistHandlerMapping.class);
		Map<String, HandlerMapping> all = this.context.getBeansOfType(HandlerMapping.class);
		List<String> actuators = new ArrayList<>();
		for (HandlerMapping other : all.values()) {
			if (other.getClass().getName().contains("actuate")) {
				actuators.add(other.getClass().getSimpleName());
				assertThat(this.mapping.getOrder()).isLessThan(((Ordered) other).getOrder());
			}
		}
		assertThat(actuators).contains("WebMvcEndpointHandlerMapping");
	}

	@Test
	void everyRequestFindsWhatSpringsOwnLookupFinds() {
		ShortlistHandlerMapping shortlist = (ShortlistHandlerMapping) this.mapping;
		this.springsOwn = new SpringsOwnMapping(shortlist, this.context);
		Set<String> paths = new LinkedHashSet<>();
		for (RequestMappingInfo info : shortlist.getHandlerMethods().keySet()) {
			for (PathPattern pattern : Objects.requireNonNull(info.getPathPatternsCondition()).getPatterns()) {
				String path = pattern.getPatternString().replaceAll("\\{\\*[^}]*}", "a/b").replaceAll("\\{[^}]*}", "x");
				paths.add(path);
				paths.add(path + "/");
				paths.add(path + "/more");
				paths.add(path.replace("x", "batch"));
				paths.add(path.replace("/v1/", "/V1/"));
				paths.add(path.replace("x", "enc%2Doded"));
				paths.add(path.replace("x", "m;a=b"));
			}
		}
		paths.addAll(List.of("/", "//v1/queues", "/v1//queues", "/v1/queues/x/jobs/batch", "/v1/queues/settle/leases",
				"/v1/queues/x/leases/settle", "/v1/queues/x/leases/settle/ack", "/actuator/health", "/unknown", ""));
		List<String> compared = new ArrayList<>();
		List<String> fast = new ArrayList<>();
		for (String path : paths) {
			for (RequestMethod method : RequestMethod.values()) {
				for (boolean preflight : new boolean[] { false, true }) {
					if (preflight && method != RequestMethod.OPTIONS) {
						continue;
					}
					Outcome ours = outcome(method, path, preflight, true);
					Outcome springs = outcome(method, path, preflight, false);
					assertThat(ours).as(method + " " + path + (preflight ? " (pre-flight)" : "")).isEqualTo(springs);
					compared.add(method + " " + path);
					if (springs.handler() != null && method != RequestMethod.OPTIONS
							&& ShortlistHandlerMapping.plain(path)) {
						// found by the shortlist itself, not by Spring's look-up (which
						// answers OPTIONS with a handler of its own where none is mapped)
						MockHttpServletRequest request = request(method, path, false);
						HandlerMethod shortlisted = shortlist.shortlisted(lookupPath(request), request);
						assertThat(shortlisted).as("shortlisted: " + method + " " + path).isNotNull();
						assertThat(shortlisted.getMethod().toString()).isEqualTo(springs.handler());
						fast.add(method + " " + path);
					}
				}
			}
		}
		assertThat(compared).hasSizeGreaterThan(1000);
		assertThat(fast).contains("POST /v1/queues/x/jobs", "POST /v1/queues/x/leases",
				"POST /v1/queues/x/leases/x/ack", "GET /v1/queues");
	}

	private MockHttpServletRequest request(RequestMethod method, String path, boolean preflight) {
		MockHttpServletRequest request = new MockHttpServletRequest(method.name(), path);
		request.addHeader("Accept", "application/json");
		request.setContentType("application/json");
		if (preflight) {
			request.addHeader("Origin", "https://example.org");
			request.addHeader("Access-Control-Request-Method", "POST");
		}
		ServletRequestPathUtils.parseAndCache(request);
		return request;
	}

	private static String lookupPath(MockHttpServletRequest request) {
		return ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication().value();
	}

	private Outcome outcome(RequestMethod method, String path, boolean preflight, boolean shortlisted) {
		MockHttpServletRequest request = request(method, path, preflight);
		String lookupPath = lookupPath(request);
		HandlerMethod handler;
		try {
			handler = shortlisted ? ((ShortlistHandlerMapping) this.mapping).lookupHandlerMethod(lookupPath, request)
					: this.springsOwn.lookupHandlerMethod(lookupPath, request);
		}
		catch (Exception ex) {
			return new Outcome(null, ex.getClass().getName() + ": " + ex.getMessage(), null, null, null);
		}
		return new Outcome((handler != null) ? handler.getMethod().toString() : null, null,
				request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE),
				request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE),
				request.getAttribute(HandlerMapping.PRODUCIBLE_MEDIA_TYPES_ATTRIBUTE));
	}

	/**
	 * Spring MVC's own mapping, holding the application's mappings as the shortlist does:
	 * what it stands in for, and the oracle here.
	 */
	private static final class SpringsOwnMapping extends RequestMappingHandlerMapping {

		SpringsOwnMapping(ShortlistHandlerMapping shortlist, ApplicationContext context) {
			setPatternParser(shortlist.getPatternParser());
			// resolves the handlers, registered by their beans' names
			setApplicationContext(context);
			shortlist.getHandlerMethods()
				.forEach((info, handler) -> registerMapping(info, handler.getBean(), handler.getMethod()));
		}

		@Override
		protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
			return super.lookupHandlerMethod(lookupPath, request);
		}

	}

	private record Outcome(String handler, String failure, Object variables, Object pattern, Object producible) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Outcome that && Objects.equals(this.handler, that.handler)
					&& Objects.equals(this.failure, that.failure) && Objects.equals(this.variables, that.variables)
					&& Objects.equals(String.valueOf(this.pattern), String.valueOf(that.pattern))
					&& Objects.equals(this.producible, that.producible);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.handler, this.failure);
		}

	}

	@Test
	void theShapeOfAPatternIsItsLeadingLiteralsAndItsLength() {
		assertThat(ShortlistHandlerMapping.Shape.of("/v1/queues/{queue}/jobs"))
			.isEqualTo(new ShortlistHandlerMapping.Shape(List.of("v1", "queues"), 4));
		assertThat(ShortlistHandlerMapping.Shape.of("/v1/queues"))
			.isEqualTo(new ShortlistHandlerMapping.Shape(List.of("v1", "queues"), 2));
		assertThat(ShortlistHandlerMapping.Shape.of("/")).isEqualTo(new ShortlistHandlerMapping.Shape(List.of(), 0));
		assertThat(ShortlistHandlerMapping.Shape.of("/static/**"))
			.isEqualTo(new ShortlistHandlerMapping.Shape(List.of("static"), -1));
		assertThat(ShortlistHandlerMapping.Shape.of("/files/{*rest}"))
			.isEqualTo(new ShortlistHandlerMapping.Shape(List.of("files"), -1));
		assertThat(ShortlistHandlerMapping.Shape.of("/a/*.json/b"))
			.isEqualTo(new ShortlistHandlerMapping.Shape(List.of("a"), 3));
		assertThat(ShortlistHandlerMapping.Shape.of("/console/")).isEqualTo(ShortlistHandlerMapping.Shape.ANY);
		assertThat(ShortlistHandlerMapping.Shape.of("")).isEqualTo(ShortlistHandlerMapping.Shape.ANY);
		assertThat(ShortlistHandlerMapping.Shape.of("/v1/queues/{queue}/jobs")
			.mayMatch(ShortlistHandlerMapping.segments("/v1/queues/q/jobs"))).isTrue();
		assertThat(ShortlistHandlerMapping.Shape.of("/v1/queues/{queue}/jobs")
			.mayMatch(ShortlistHandlerMapping.segments("/v1/queues/q/leases/l"))).isFalse();
		assertThat(ShortlistHandlerMapping.Shape.of("/static/**").mayMatch(ShortlistHandlerMapping.segments("/static")))
			.isTrue();
		assertThat(ShortlistHandlerMapping.plain("/v1/queues/a%2Fb")).isFalse();
		assertThat(ShortlistHandlerMapping.plain("/v1/queues/")).isFalse();
		assertThat(ShortlistHandlerMapping.plain("/")).isTrue();
	}

}
