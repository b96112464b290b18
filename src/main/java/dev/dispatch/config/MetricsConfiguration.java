package dev.dispatch.config;

import io.micrometer.core.instrument.MeterRegistry;

import dev.dispatch.metrics.QueueMetrics;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Binds queue state and events to Micrometer (exported at {@code /actuator/prometheus}).
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

	@Bean
	QueueMetrics queueMetrics(MeterRegistry meters, ObjectProvider<QueueRegistry> queues, Scheduler queueScheduler) {
		return new QueueMetrics(meters, queues::getObject, queueScheduler);
	}

}
