package dev.dispatch.web.console;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What the web console's answers ({@code /console/...}) carry beside those of every
 * answer ({@code dev.dispatch.web.request.ApiHeadersFilter}): the headers a page in a
 * browser needs and the API's JSON does not, so the API's requests pass no filter for
 * them.
 * <ul>
 * <li>{@code Content-Security-Policy}: scripts, styles, images and requests from this
 * origin only — no inline script or style, no plugins, no {@code <base>}, no form sent
 * anywhere (the key form is read by the script), no framing by another site;</li>
 * <li>{@code X-Frame-Options: DENY}, the same for browsers without
 * {@code frame-ancestors};</li>
 * <li>{@code Referrer-Policy: no-referrer};</li>
 * <li>{@code Cache-Control: no-cache}: a browser checks that its copy of the console is
 * current (by {@code Last-Modified}) before using it, so an upgrade is seen at once.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class ConsoleHeaders {

	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none';"
			+ " form-action 'none'; frame-ancestors 'none'";

	@Bean
	FilterRegistrationBean<ConsoleHeadersFilter> consoleHeadersFilter() {
		FilterRegistrationBean<ConsoleHeadersFilter> registration = new FilterRegistrationBean<>(
				new ConsoleHeadersFilter());
		// the servlet pattern matches /console too
		registration.addUrlPatterns("/console/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
		return registration;
	}

	static final class ConsoleHeadersFilter extends OncePerRequestFilter {

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
			response.setHeader("X-Frame-Options", "DENY");
			response.setHeader("Referrer-Policy", "no-referrer");
			response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
			chain.doFilter(request, response);
		}

	}

}
