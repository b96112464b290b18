package dev.dispatch.client.test;

import java.util.List;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives the application context of a test annotated {@link WithDispatchServer} the shared
 * server's address as {@code dispatch.client.base-url}, ahead of every other property
 * source. Registered in {@code META-INF/spring.factories}.
 */
class DispatchServerContextCustomizerFactory implements ContextCustomizerFactory {

	/** The property the starter's client reads. */
	static final String BASE_URL = "dispatch.client.base-url";

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		WithDispatchServer annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				WithDispatchServer.class);
		return (annotation != null) ? new Customizer(annotation.backend()) : null;
	}

	/** Equal for equal backends, so that Spring's context cache shares their contexts. */
	private record Customizer(Backend backend) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			String baseUrl = SharedServers.get(this.backend).baseUrl();
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("dispatchServer", Map.of(BASE_URL, baseUrl)));
		}

	}

}
