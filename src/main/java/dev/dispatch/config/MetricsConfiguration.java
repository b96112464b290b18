package dev.dispatch.config;

import java.time.Duration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.dispatch.metrics.QueueMetrics;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.StorageReport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Binds queue state and events to Micrometer (exported at {@code /actuator/prometheus}).
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

	/**
	 * Queue meters. On a shared backend a queue's snapshot is a round trip, so one read
	 * serves all its gauges for a second (a scrape reads them all at once).
	 */
	@Bean
	QueueMetrics queueMetrics(MeterRegistry meters, ObjectProvider<QueueRegistry> queues, Scheduler queueScheduler,
			DispatchProperties properties) {
		Duration snapshotTtl = (properties.backend() == DispatchProperties.Backend.MEMORY) ? Duration.ZERO
				: Duration.ofSeconds(1);
		return new QueueMetrics(meters, queues::getObject, queueScheduler, snapshotTtl);
	}

	/**
	 * The payload bytes the backend holds in all queues, and their limit, as the backend
	 * reports them (the memory backend: {@code dispatch.max-held-bytes}): puts are
	 * refused {@code storage-full} when the first reaches the second.
	 */
	@Bean
	MeterBinder payloadStorageMeters(QueueRegistry queues) {
		return (meters) -> queues.storage().ifPresent((storage) -> {
			Gauge.builder("dispatch.payload.held", storage, StorageReport::held)
				.description("Payload bytes held in all queues: jobs and parked puts")
				.baseUnit("bytes")
				.register(meters);
			Gauge.builder("dispatch.payload.limit", storage, StorageReport::limit)
				.description("Most payload bytes held before puts are refused (dispatch.max-held-bytes)")
				.baseUnit("bytes")
				.register(meters);
		});
	}

}
