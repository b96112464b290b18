package dev.dispatch.client.spring;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.dispatch.client.Backoff;
import dev.dispatch.client.DispatchClient;
import dev.dispatch.client.DispatchConsumer;
import dev.dispatch.client.DispatchConsumerBuilder;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Finds the {@link DispatchListener} methods of the application's beans once every
 * singleton exists, and runs a {@link DispatchConsumer} for each: started with the
 * application, stopped (all at once, each waiting its shutdown grace, then releasing what
 * it still holds) before the beans they call are destroyed.
 */
public class DispatchListenerContainer implements SmartLifecycle, SmartInitializingSingleton, ApplicationContextAware {

	private final DispatchClient client;

	private final DispatchClientProperties.Listener settings;

	private final ObservationRegistry observations;

	private final List<DispatchConsumerBuilder> listeners = new ArrayList<>();

	/** Guarded by this. */
	private final List<DispatchConsumer> running = new ArrayList<>();

	private ApplicationContext context;

	public DispatchListenerContainer(DispatchClient client, DispatchClientProperties.Listener settings,
			ObservationRegistry observations) {
		this.client = client;
		this.settings = settings;
		this.observations = observations;
	}

	@Override
	public void setApplicationContext(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String beanName : this.context.getBeanNamesForType(Object.class, false, false)) {
			Class<?> type = this.context.getType(beanName, false);
			if (type == null) {
				continue;
			}
			Map<Method, DispatchListener> methods = MethodIntrospector.selectMethods(ClassUtils.getUserClass(type),
					(MethodIntrospector.MetadataLookup<DispatchListener>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, DispatchListener.class));
			if (methods.isEmpty()) {
				continue;
			}
			Object bean = this.context.getBean(beanName);
			methods.forEach((method, annotation) -> register(bean, beanName,
					AopUtils.selectInvocableMethod(method, bean.getClass()), annotation));
		}
	}

	private void register(Object bean, String beanName, Method method, DispatchListener annotation) {
		String name = beanName + "." + method.getName();
		String queue = resolve(annotation.queue());
		if (queue.isBlank()) {
			throw new IllegalStateException("@DispatchListener " + name + " names no queue");
		}
		int concurrency = whole(name, "concurrency", annotation.concurrency());
		int prefetch = whole(name, "prefetch", annotation.prefetch());
		String leaseText = resolve(annotation.lease()).strip();
		Duration lease = leaseText.isEmpty() ? null : DurationStyle.detectAndParse(leaseText);
		ListenerMethod handler = new ListenerMethod(bean, method, queue, name, this.observations);
		this.listeners.add(this.client.consumer(queue, handler)
			.concurrency(concurrency)
			.prefetch(prefetch)
			.lease(lease)
			.pollWait(this.settings.pollWait())
			.takeLinger(this.settings.takeLinger())
			.shutdownGrace(this.settings.shutdownGrace())
			.nackBackoff(Backoff.exponential(this.settings.nackDelay(), this.settings.maxNackDelay())));
	}

	private int whole(String listener, String attribute, String value) {
		try {
			return Integer.parseInt(resolve(value).strip());
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException(
					"@DispatchListener " + listener + ": " + attribute + " '" + value + "' is not a whole number", ex);
		}
	}

	private String resolve(String value) {
		return (this.context instanceof ConfigurableApplicationContext configurable)
				? configurable.getEnvironment().resolveRequiredPlaceholders(value) : value;
	}

	/** How many listener methods it runs. */
	public int listenerCount() {
		return this.listeners.size();
	}

	@Override
	public synchronized void start() {
		if (!this.running.isEmpty()) {
			return;
		}
		for (DispatchConsumerBuilder listener : this.listeners) {
			this.running.add(listener.start());
		}
	}

	@Override
	public void stop() {
		List<DispatchConsumer> stopping;
		synchronized (this) {
			stopping = List.copyOf(this.running);
			this.running.clear();
		}
		CompletableFuture
			.allOf(stopping.stream()
				.map((consumer) -> CompletableFuture.runAsync(consumer::close, Thread::startVirtualThread))
				.toArray(CompletableFuture[]::new))
			.join();
	}

	@Override
	public synchronized boolean isRunning() {
		return !this.running.isEmpty();
	}

	@Override
	public boolean isAutoStartup() {
		return this.settings.autoStartup();
	}

}
