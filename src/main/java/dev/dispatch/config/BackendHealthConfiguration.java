package dev.dispatch.config;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.QueueRegistry;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The health of the store behind the queues, as {@code backend} in
 * {@code /actuator/health} and in the readiness group: an instance whose Redis does not
 * answer is taken out of its Service until it does, and is not restarted for it.
 */
@Configuration(proxyBeanMethods = false)
class BackendHealthConfiguration {

	@Bean
	HealthIndicator backendHealthIndicator(QueueRegistry queues) {
		return () -> {
			try {
				queues.checkAvailable();
				return Health.up().build();
			}
			catch (BackendUnavailableException ex) {
				return Health.down().withDetail("reason", ex.getMessage()).build();
			}
		};
	}

}
