package dev.dispatch.worker;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler that always fails on one job: that job is nacked and retried until its last
 * attempt, then lands in the dead-letter queue, while the puller goes on with the others.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "dispatch.queues.flaky.max-attempts=3", "dispatch.workers.pushers.feeder.queue=flaky",
				"dispatch.workers.pushers.feeder.count=6", "dispatch.workers.pushers.feeder.close-when-done=true",
				"dispatch.workers.pullers.picky.queue=flaky", "dispatch.workers.pullers.picky.handler=hatesThree",
				"dispatch.workers.pullers.picky.poll-wait=1s" })
class FailingHandlerTest {

	@TestConfiguration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		JobHandler hatesThree() {
			return (job) -> {
				if (job.payload().asString().equals("3")) {
					throw new IllegalStateException("cannot stand job 3");
				}
			};
		}

	}

	@Autowired
	Workers workers;

	@Autowired
	QueueRegistry registry;

	@Test
	void aJobThatAlwaysFailsEndsInTheDeadLetterQueueAndThePullerGoesOn() throws Exception {
		List<WorkerReport> reports = this.workers.finished().get(60, TimeUnit.SECONDS);
		WorkerReport.Pulled picky = reports.stream()
			.filter(WorkerReport.Pulled.class::isInstance)
			.map(WorkerReport.Pulled.class::cast)
			.findFirst()
			.orElseThrow();
		assertThat(picky.handled()).isEqualTo(5);
		assertThat(picky.failed()).isEqualTo(3);
		assertThat(picky.drained()).isTrue();

		TakeOutcome dead = this.registry.require("flaky.dead")
			.take(TakeOptions.autoAcked(java.time.Duration.ZERO))
			.join();
		assertThat(dead).isInstanceOf(TakeOutcome.Delivered.class);
		Delivery corpse = ((TakeOutcome.Delivered) dead).deliveries().getFirst();
		assertThat(corpse.payload().asString()).isEqualTo("3");
		assertThat(corpse.deadLetter()).isEqualTo(new DeadLetter("flaky", DeadLetter.Reason.MAX_ATTEMPTS, 3));
	}

}
