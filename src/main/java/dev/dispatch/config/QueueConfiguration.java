package dev.dispatch.config;

import java.util.Map;

import dev.dispatch.backend.memory.MemoryQueueRegistry;
import dev.dispatch.backend.memory.PayloadBudget;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueNames;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.SystemScheduler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the queue core: the scheduler, the listeners, and the registry with the queues
 * declared in {@code dispatch.queues}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ DispatchProperties.class, HttpProperties.class })
class QueueConfiguration {

	@Bean(destroyMethod = "close")
	SystemScheduler queueScheduler() {
		return new SystemScheduler();
	}

	@Bean
	QueueRegistry queueRegistry(DispatchProperties properties, Scheduler queueScheduler,
			ObjectProvider<QueueListener> listeners) {
		QueueListener listener = QueueListener.allOf(listeners.orderedStream().toList());
		MemoryQueueRegistry registry = new MemoryQueueRegistry(queueScheduler, listener,
				properties.defaults().toQueueConfig(), properties.autoCreate(), properties.dedupWindow(),
				properties.maxQueues(), new PayloadBudget(properties.heldBytesLimit()));
		for (Map.Entry<String, DispatchProperties.QueueProperties> queue : properties.queues().entrySet()) {
			registry.configure(QueueNames.requireValid(queue.getKey()),
					queue.getValue().toQueueConfig(properties.defaults()));
		}
		return registry;
	}

}
