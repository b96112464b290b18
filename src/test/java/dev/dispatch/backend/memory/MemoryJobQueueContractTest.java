package dev.dispatch.backend.memory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.dispatch.queue.JobQueueContractTest;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.job.TakeOutcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryJobQueueContractTest extends JobQueueContractTest {

	@Override
	protected QueueRegistry newRegistry(Scheduler scheduler, QueueListener listener, QueueConfig defaults,
			boolean autoCreate, Duration dedupWindow) {
		return new MemoryQueueRegistry(scheduler, listener, defaults, autoCreate, dedupWindow);
	}

	@Test
	void settledOperationsLeaveNoTimerBehind() {
		CompletableFuture<TakeOutcome> served = take(this.queue, WAIT);
		accept(this.queue, "a");
		done(this.queue.ack(delivered(served).getFirst().leaseId()));
		take(this.queue, WAIT).cancel(false);
		fill(this.queue, 3);
		CompletableFuture<PutOutcome> admitted = put(this.queue, "4", WAIT);
		done(this.queue.nack(takeOne(this.queue).leaseId(), Duration.ofSeconds(5)));
		assertThat(done(admitted)).isInstanceOf(PutOutcome.Accepted.class);
		assertThat(this.time.pending()).as("the delayed job's timer only").isEqualTo(1);
		this.time.advance(Duration.ofSeconds(5));
		drainReady(this.queue);
		assertThat(this.time.pending()).isZero();
	}

}
