package dev.dispatch.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Routes} is the one table of the API's routes: every endpoint the controllers map
 * under {@code /v1/} is in it with its method (so a new endpoint cannot come without its
 * roles), and nothing else is; and each request needs the roles of the route it takes.
 */
@SpringBootTest
class RoutesTest {

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mapping;

	@Test
	void everyEndpointTheControllersMapIsARouteAndEveryRouteIsMapped() {
		List<String> mapped = new ArrayList<>();
		for (RequestMappingInfo info : this.mapping.getHandlerMethods().keySet()) {
			Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
			for (String path : Objects.requireNonNull(info.getPathPatternsCondition()).getPatternValues()) {
				if (path.startsWith("/v1/")) {
					assertThat(methods).as("the methods of " + path).hasSize(1);
					mapped.add(methods.iterator().next() + " " + path);
				}
			}
		}
		List<String> routes = Routes.all().stream().map((route) -> route.method() + " " + route.path()).toList();
		assertThat(mapped).hasSizeGreaterThan(15).containsExactlyInAnyOrderElementsOf(routes);
	}

	@Test
	void aRequestOnAQueueNeedsTheRolesOfItsRoute() {
		int onAQueue = 0;
		for (Routes.Route route : Routes.all()) {
			String path = route.path().replace("{queue}", "orders.eu").replaceAll("\\{[^}]+}", "x1");
			Routes.Need need = Routes.need(request(route.method().name(), "/ctx" + path));
			if (route.path().startsWith(Routes.QUEUE)) {
				assertThat(need).as(route.toString()).isEqualTo(new Routes.Need("orders.eu", route.roles()));
				assertThat(route.roles()).as(route.toString()).isNotEmpty();
				onAQueue++;
			}
			else {
				assertThat(need).as(route.toString()).isEqualTo(Routes.Need.NONE);
			}
		}
		assertThat(onAQueue).isEqualTo(Routes.all().size() - 1);
	}

	@ParameterizedTest(name = "{0} {1}: {2}")
	@CsvSource({ "GET, /v1/queues, ''", "GET, /v1/queues/, ''", "POST, /v1/other, ''", "GET, /actuator/prometheus, ''",
			"GET, /v1/queues/q, CONSUMER ADMIN", "PUT, /v1/queues/q, ADMIN", "POST, /v1/queues/q/jobs, PRODUCER",
			"GET, /v1/queues/q/jobs, CONSUMER ADMIN", "GET, /v1/queues/q/jobs/batch, CONSUMER ADMIN",
			"POST, /v1/queues/q/leases/settle, CONSUMER", "POST, /v1/queues/q/leases/settle/ack, CONSUMER",
			"GET, /v1/queues/q/join, PRODUCER CONSUMER ADMIN", "POST, /v1/queues/q/close, ADMIN",
			// no route takes these: admins only, as anything new on a queue
			"HEAD, /v1/queues/q, ADMIN", "GET, /v1/queues/q/, ADMIN", "POST, /v1/queues/q/jobs/x, ADMIN",
			"GET, /v1/queues/q/jobs/, ADMIN", "GET, /v1/queues/q/leases, ADMIN", "POST, /v1/queues/q//jobs, ADMIN",
			"POST, /v1/queues/q/leases//ack, ADMIN", "POST, /v1/queues/q/leases/l/ack/more, ADMIN",
			"POST, /v1/queues/q/leases/l/renew, ADMIN", "POST, /v1/queues/q/unknown, ADMIN" })
	void whatAPathNeeds(String method, String path, String roles) {
		Routes.Need need = Routes.need(request(method, path));
		if (roles.isEmpty()) {
			assertThat(need).isEqualTo(Routes.Need.NONE);
		}
		else {
			assertThat(need.queue()).isEqualTo("q");
			assertThat(need.roles())
				.containsExactlyInAnyOrder(List.of(roles.split(" ")).stream().map(Role::valueOf).toArray(Role[]::new));
			assertThat(need.adminOnly()).isEqualTo(roles.equals("ADMIN"));
		}
	}

	private static MockHttpServletRequest request(String method, String uri) {
		MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
		if (uri.startsWith("/ctx/")) {
			request.setContextPath("/ctx");
		}
		return request;
	}

}
