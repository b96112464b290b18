package dev.dispatch.backend.memory;

import dev.dispatch.config.BackendDescription;
import dev.dispatch.config.DispatchProperties;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the in-memory backend, the default ({@code dispatch.backend=memory} or unset).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "dispatch.backend", havingValue = "memory", matchIfMissing = true)
class MemoryBackendConfiguration {

	@Bean
	QueueRegistry queueRegistry(DispatchProperties properties, Scheduler queueScheduler,
			ObjectProvider<QueueListener> listeners) {
		return new MemoryQueueRegistry(queueScheduler, QueueListener.allOf(listeners.orderedStream().toList()),
				properties.defaults().toQueueConfig(), properties.autoCreate(), properties.dedupWindow(),
				properties.maxQueues(), new PayloadBudget(properties.heldBytesLimit()));
	}

	@Bean
	BackendDescription backendDescription(DispatchProperties properties) {
		return new BackendDescription("in memory, this process only (lost when it stops), up to %d MiB of payloads"
			.formatted(properties.heldBytesLimit() >> 20));
	}

}
