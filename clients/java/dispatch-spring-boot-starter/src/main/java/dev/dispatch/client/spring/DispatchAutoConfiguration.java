package dev.dispatch.client.spring;

import dev.dispatch.client.DispatchClient;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Dispatch for a Spring Boot application: a {@link DispatchClient} from
 * {@code dispatch.client.*}, a {@link DispatchTemplate}, and a
 * {@link DispatchListenerContainer} that runs the {@link DispatchListener} methods. Uses
 * the application's Jackson {@link JsonMapper} and {@link ObservationRegistry} when it
 * has them.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@EnableConfigurationProperties(DispatchClientProperties.class)
public class DispatchAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	DispatchClient dispatchClient(DispatchClientProperties properties, ObjectProvider<JsonMapper> mapper) {
		return DispatchClient.builder()
			.baseUrl(properties.baseUrl())
			.apiKey(properties.apiKey())
			.connectTimeout(properties.connectTimeout())
			.requestTimeout(properties.requestTimeout())
			.putWait(properties.putWait())
			.retryTimeout(properties.retryTimeout())
			.jsonMapper(mapper.getIfAvailable())
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	DispatchTemplate dispatchTemplate(DispatchClient client, DispatchClientProperties properties,
			ObjectProvider<ObservationRegistry> observations) {
		return new DispatchTemplate(client, observations.getIfAvailable(() -> ObservationRegistry.NOOP),
				properties.putWait());
	}

	@Bean
	@ConditionalOnMissingBean
	DispatchListenerContainer dispatchListenerContainer(DispatchClient client, DispatchClientProperties properties,
			ObjectProvider<ObservationRegistry> observations) {
		return new DispatchListenerContainer(client, properties.listener(),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

}
