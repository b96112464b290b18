package dev.dispatch.backend.memory;

import java.time.Duration;

import dev.dispatch.queue.JobQueueContractTest;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;

class MemoryJobQueueContractTest extends JobQueueContractTest {

	@Override
	protected QueueRegistry newRegistry(Scheduler scheduler, QueueListener listener, QueueConfig defaults,
			boolean autoCreate, Duration dedupWindow) {
		return new MemoryQueueRegistry(scheduler, listener, defaults, autoCreate, dedupWindow);
	}

}
