package dev.dispatch.config;

import dev.dispatch.history.HistorySampler;
import dev.dispatch.history.QueueHistory;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The queues' recent history for the console's charts: {@link QueueHistory} hears the
 * queues' events (every {@code QueueListener} bean does), and a {@link HistorySampler}
 * samples them while the application runs, stopping before the backend's connections
 * close.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HistoryProperties.class)
class HistoryConfiguration {

	@Bean
	QueueHistory queueHistory(HistoryProperties properties) {
		return new QueueHistory(properties.interval(), properties.samples());
	}

	@Bean
	SmartLifecycle historySampling(QueueHistory history, QueueRegistry registry, Scheduler queueScheduler) {
		HistorySampler sampler = new HistorySampler(history, registry, queueScheduler);
		return new SmartLifecycle() {

			/**
			 * Whether started and not yet stopped. Written by the context's start and
			 * stop.
			 */
			private volatile boolean running;

			@Override
			public void start() {
				sampler.start();
				this.running = true;
			}

			@Override
			public void stop() {
				sampler.close();
				this.running = false;
			}

			@Override
			public boolean isRunning() {
				return this.running;
			}

		};
	}

}
