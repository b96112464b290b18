package dev.dispatch.web.request;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.dispatch.web.problem.InvalidRequestException;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Refuses a query parameter that the endpoint does not take ({@code ?delay=5s} or
 * {@code ?priority=1} on a put) with 400, instead of ignoring it: a client that believes
 * it delayed or prioritised a job must learn that it did not. An endpoint takes the
 * parameters it declares ({@code @RequestParam}, or an OpenAPI {@code @Parameter} in the
 * query for those it reads itself). A parameter given twice is refused too, unless the
 * endpoint takes a list of it: which of the values was meant is not for the service to
 * guess. Only the API's own endpoints are checked. The query string is read with
 * {@link QueryParameters#all}, as {@link ApiRequest} reads it, never through the
 * container's parameters, which would consume a form-encoded body.
 */
@Component
class QueryParameterCheck implements HandlerInterceptor, WebMvcConfigurer {

	/** The parameters each endpoint takes, found once. */
	private final Map<Method, Taken> taken = new ConcurrentHashMap<>();

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(this).addPathPatterns("/v1/**");
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		String query = request.getQueryString();
		if (query == null || query.isEmpty() || !(handler instanceof HandlerMethod method)) {
			return true;
		}
		Taken taken = this.taken.computeIfAbsent(method.getMethod(), QueryParameterCheck::taken);
		for (Map.Entry<String, List<String>> parameter : QueryParameters.all(query).entrySet()) {
			String name = parameter.getKey();
			if (!taken.names().contains(name)) {
				throw new InvalidRequestException("unknown query parameter '" + name + "'; " + (taken.names().isEmpty()
						? "this endpoint takes none" : "this endpoint takes " + taken.names()));
			}
			if (parameter.getValue().size() > 1 && !taken.repeatable().contains(name)) {
				// which of the two was meant cannot be known: neither is taken
				throw new InvalidRequestException(
						"query parameter '" + name + "' is given more than once; give it once");
			}
		}
		return true;
	}

	/**
	 * The query parameters an endpoint takes, and those of them it takes more than once
	 * (a list, or documented as an array, such as a redrive's {@code id}).
	 */
	private record Taken(Set<String> names, Set<String> repeatable) {
	}

	private static Taken taken(Method method) {
		Set<String> names = new TreeSet<>();
		Set<String> repeatable = new HashSet<>();
		for (Parameter parameter : method.getParameters()) {
			RequestParam param = parameter.getAnnotation(RequestParam.class);
			if (param != null) {
				String name = !param.name().isEmpty() ? param.name()
						: !param.value().isEmpty() ? param.value() : parameter.getName();
				names.add(name);
				if (Collection.class.isAssignableFrom(parameter.getType()) || parameter.getType().isArray()) {
					repeatable.add(name);
				}
			}
		}
		for (io.swagger.v3.oas.annotations.Parameter documented : method
			.getAnnotationsByType(io.swagger.v3.oas.annotations.Parameter.class)) {
			if (documented.in() == ParameterIn.QUERY) {
				names.add(documented.name());
				if (!documented.array().schema().type().isEmpty()) {
					repeatable.add(documented.name());
				}
			}
		}
		return new Taken(Collections.unmodifiableSet(names), Set.copyOf(repeatable));
	}

}
