package dev.dispatch.security;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import tools.jackson.databind.json.JsonMapper;

import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.web.AdminGrants;
import dev.dispatch.web.QueueVisibility;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Who may call the API (docs/security.md). Requests carry {@code Authorization: Bearer}
 * with an API key ({@code dispatch.security.api-keys}) or a JWT (Spring Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.*}); {@link QueueAccess} decides what
 * each may do. Health probes, the OpenAPI document, Swagger UI and the web console's
 * static files stay open; other actuator endpoints need credentials unless they are
 * served on a management port of their own. With neither keys nor an issuer configured,
 * everything is open, and the start-up report says so ({@link ApiAccess}). Admin actions
 * are audited either way ({@link AdminAudit}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

	/** The API document's security scheme, only when credentials are needed. */
	@Bean
	ApiDocsSecurity apiDocsSecurity(ApiAccess access) {
		return new ApiDocsSecurity(access);
	}

	/**
	 * Who may call the API; the start-up report says it. A JWT decoder's source is named
	 * by the issuer, else by its JWK set.
	 */
	@Bean
	ApiAccess apiAccess(SecurityProperties properties, ObjectProvider<JwtDecoder> jwtDecoder, Environment environment) {
		String issuer = null;
		if (jwtDecoder.getIfAvailable() != null) {
			String jwt = "spring.security.oauth2.resourceserver.jwt.";
			issuer = environment.getProperty(jwt + "issuer-uri",
					environment.getProperty(jwt + "jwk-set-uri", "the application's JwtDecoder"));
		}
		return new ApiAccess(properties.apiKeys().size(), issuer, properties.required());
	}

	@Bean
	SecurityFilterChain api(HttpSecurity http, SecurityProperties properties, ApiAccess access,
			ObjectProvider<JwtDecoder> jwtDecoder, QueueRegistry registry, JsonMapper json, Environment environment,
			MeterRegistry meters) {
		// no sessions, no CSRF tokens (no cookies are used), no form login; the API's own
		// filter sets its security headers. Every filter and request wrapper left out is
		// work saved on each request (docs/benchmarks.md, "What security costs"): the
		// caller's name reaches the web layer as a request attribute, not through a
		// wrapper's getUserPrincipal.
		http.csrf((csrf) -> csrf.disable())
			.headers((headers) -> headers.disable())
			.requestCache((cache) -> cache.disable())
			.logout((logout) -> logout.disable())
			.sessionManagement((sessions) -> sessions.disable())
			.servletApi((api) -> api.disable())
			.securityContext(
					(context) -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
			.addFilterBefore(new AdminAudit(meters), AuthorizationFilter.class);
		if (access.open()) {
			http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll());
			return http.build();
		}
		ApiKeys keys = new ApiKeys(properties.apiKeys());
		JwtDecoder decoder = jwtDecoder.getIfAvailable();
		SecurityProblems problems = new SecurityProblems(json);
		AuthenticationManager bearer = bearer(keys, decoder, properties.jwt());
		boolean ownManagementPort = ownManagementPort(environment);
		http.oauth2ResourceServer((server) -> server.authenticationManagerResolver((request) -> bearer)
			.bearerTokenResolver(new BearerTokens())
			.authenticationEntryPoint(problems)
			.accessDeniedHandler(problems)
			// the metadata (RFC 9728) must not claim what the service does not do: tokens
			// are not bound to client certificates
			.protectedResourceMetadata((metadata) -> metadata
				.protectedResourceMetadataCustomizer((claims) -> claims.tlsClientCertificateBoundAccessTokens(false))))
			.exceptionHandling((refusals) -> refusals.authenticationEntryPoint(problems).accessDeniedHandler(problems))
			.authorizeHttpRequests((requests) -> {
				// a parked request's answer and error pages were authorized on the way in
				// (application.yaml keeps them out of these filters altogether)
				requests.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll();
				requests.requestMatchers("/actuator/health", "/actuator/health/**", "/livez", "/readyz").permitAll();
				requests
					.requestMatchers("/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/**", "/swagger-ui.html",
							"/swagger-ui/**")
					.permitAll();
				// the web console's page, script and styles hold no data: its API calls
				// carry the caller's key. "/" leads to it.
				requests.requestMatchers("/", "/console", "/console/**").permitAll();
				if (ownManagementPort) {
					// reachable on the management port only (kept off the public Service)
					requests.requestMatchers("/actuator/**").permitAll();
				}
				requests.anyRequest().access(new QueueAccess(registry));
			});
		return http.build();
	}

	/**
	 * No observations of Spring Security's own, nor the wrapping of every filter they
	 * need: the API's meters stay.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/** The firewall as by default, with cheaper checks of header and parameter text. */
	@Bean
	WebSecurityCustomizer firewall() {
		StrictHttpFirewall firewall = Firewall.strict();
		return (web) -> web.httpFirewall(firewall);
	}

	@Bean
	QueueVisibility grantedQueues() {
		return new GrantedQueues();
	}

	@Bean
	AdminGrants ownGrants() {
		return new OwnGrants();
	}

	/** API keys and JWTs both come as bearer tokens; a JWT has two dots, a key none. */
	private static AuthenticationManager bearer(ApiKeys keys, JwtDecoder decoder, SecurityProperties.Jwt claims) {
		JwtAuthenticationProvider jwts = null;
		if (decoder != null) {
			jwts = new JwtAuthenticationProvider(decoder);
			jwts.setJwtAuthenticationConverter(new JwtIdentities(claims));
		}
		JwtAuthenticationProvider jwtProvider = jwts;
		return (authentication) -> {
			String token = ((BearerTokenAuthenticationToken) authentication).getToken();
			if (isJwt(token)) {
				if (jwtProvider == null) {
					throw new InvalidBearerTokenException("JWTs are not accepted: no issuer is configured");
				}
				return jwtProvider.authenticate(authentication);
			}
			if (keys.isEmpty()) {
				throw new InvalidBearerTokenException("API keys are not accepted: none is configured");
			}
			return new IdentityAuthentication(keys.identify(token));
		};
	}

	/** Whether {@code token} has a JWT's three parts: exactly two dots. */
	private static boolean isJwt(String token) {
		int first = token.indexOf('.');
		int second = (first < 0) ? -1 : token.indexOf('.', first + 1);
		return second >= 0 && token.indexOf('.', second + 1) < 0;
	}

	private static boolean ownManagementPort(Environment environment) {
		return ManagementPortType.get(environment) == ManagementPortType.DIFFERENT;
	}

}
