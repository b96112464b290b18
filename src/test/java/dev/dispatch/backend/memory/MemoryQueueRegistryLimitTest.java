package dev.dispatch.backend.memory;

import java.time.Duration;

import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.ManualScheduler;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.queue.TooManyQueuesException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The registry's limit on queues, which never keeps a failing job from its dead-letter
 * queue.
 */
class MemoryQueueRegistryLimitTest {

	private final MemoryQueueRegistry registry = new MemoryQueueRegistry(new ManualScheduler(), QueueListener.NONE,
			new QueueConfig(10, Duration.ofSeconds(30), 1, null), true, Duration.ofMinutes(10), 2,
			PayloadBudget.unlimited());

	@Test
	void queuesBeyondTheLimitAreRefusedButDeadLetterQueuesAreAlwaysCreated() {
		JobQueue a = this.registry.obtain("a");
		this.registry.configure("b", QueueConfig.DEFAULTS);
		assertThatThrownBy(() -> this.registry.obtain("c")).isInstanceOf(TooManyQueuesException.class)
			.hasMessageContaining("2 queues");
		assertThatThrownBy(() -> this.registry.configure("c", QueueConfig.DEFAULTS))
			.isInstanceOf(TooManyQueuesException.class);
		assertThat(this.registry.configure("b", QueueConfig.DEFAULTS.withCapacity(5))).as("changing is not creating")
			.isFalse();

		a.put(Payload.of("1"), PutOptions.noWait()).join();
		String lease = ((TakeOutcome.Delivered) a.take(TakeOptions.leased(Duration.ZERO)).join()).deliveries()
			.getFirst()
			.leaseId();
		a.nack(lease, Duration.ZERO).join();
		assertThat(this.registry.require("a.dead").snapshot().join().size()).isEqualTo(1);

		assertThatThrownBy(() -> this.registry.obtain("c")).as("dead-letter queues count too")
			.isInstanceOf(TooManyQueuesException.class);
		this.registry.delete("b");
		this.registry.delete("a");
		assertThat(this.registry.obtain("c").name()).isEqualTo("c");
	}

}
