package dev.dispatch.config;

import java.util.Map;

import dev.dispatch.queue.QueueNames;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.SystemScheduler;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires what the queue core needs whatever the backend: the scheduler and the queues
 * declared in {@code dispatch.queues}. The registry itself comes from the backend chosen
 * by {@code dispatch.backend}, wired in its own {@code backend.*} package; it tells every
 * {@code QueueListener} bean what happens in the queues.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DispatchProperties.class)
class QueueConfiguration {

	@Bean(destroyMethod = "close")
	SystemScheduler queueScheduler() {
		return new SystemScheduler();
	}

	/**
	 * Creates or updates the queues of {@code dispatch.queues} once every bean exists,
	 * before the workers and the web server start; on a store that does not answer yet
	 * (Redis starting after the service), as soon as it does, before the registry reports
	 * itself available.
	 */
	@Bean
	SmartInitializingSingleton declaredQueues(DispatchProperties properties, QueueRegistry registry) {
		return () -> registry.whenAvailable(() -> {
			for (Map.Entry<String, DispatchProperties.QueueProperties> queue : properties.queues().entrySet()) {
				registry.configure(QueueNames.requireValid(queue.getKey()),
						queue.getValue().toQueueConfig(properties.defaults()));
			}
		});
	}

}
