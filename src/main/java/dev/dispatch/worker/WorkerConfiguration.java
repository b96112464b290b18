package dev.dispatch.worker;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * Wires the {@code @Async} workers: a virtual thread per pusher and puller thread, and
 * the built-in demo handler.
 */
@Configuration(proxyBeanMethods = false)
@EnableAsync
@EnableConfigurationProperties(WorkerProperties.class)
class WorkerConfiguration {

	@Bean(WorkerExecutor.NAME)
	SimpleAsyncTaskExecutor workerExecutor() {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("dispatch-worker-");
		executor.setVirtualThreads(true);
		return executor;
	}

	@Bean(SimulatedWorkHandler.NAME)
	SimulatedWorkHandler simulatedWorkHandler(WorkerProperties properties) {
		return new SimulatedWorkHandler(properties.simulatedWork());
	}

}
