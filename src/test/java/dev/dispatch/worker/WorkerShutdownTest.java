package dev.dispatch.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.dispatch.DispatchApplication;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.QueueSnapshot;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutting down while pullers work: a handler that finishes within the grace period gets
 * its job acked; one that does not is interrupted and its job goes back to the queue.
 * Either way no job is lost and every worker has ended when the context is closed.
 */
class WorkerShutdownTest {

	/** Counted down when a handler has a job in hand. */
	static volatile CountDownLatch started;

	/** Handlers block here until the test lets them go (or they are interrupted). */
	static volatile CountDownLatch release;

	@BeforeEach
	void resetLatches() {
		started = new CountDownLatch(1);
		release = new CountDownLatch(1);
	}

	static JobHandler blocking() {
		return (job) -> {
			started.countDown();
			release.await();
		};
	}

	private ConfigurableApplicationContext start(String grace) {
		return new SpringApplicationBuilder(DispatchApplication.class).web(WebApplicationType.NONE)
			.initializers((context) -> context.getBeanFactory().registerSingleton("blocking", blocking()))
			.run("--dispatch.workers.shutdown-grace=" + grace, "--dispatch.queues.work.capacity=10",
					"--dispatch.workers.pushers.feeder.queue=work", "--dispatch.workers.pushers.feeder.count=3",
					"--dispatch.workers.pullers.busy.queue=work", "--dispatch.workers.pullers.busy.handler=blocking");
	}

	@Test
	void aHandlerPastTheGraceIsInterruptedAndItsJobReturnsToTheQueue() throws Exception {
		ConfigurableApplicationContext context = start("100ms");
		Workers workers = context.getBean(Workers.class);
		JobQueue queue = context.getBean(QueueRegistry.class).require("work");
		assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
		awaitPushed(queue);

		context.close();

		List<WorkerReport> reports = workers.finished().get(10, TimeUnit.SECONDS);
		QueueSnapshot after = queue.snapshot().join();
		assertThat(after.inFlight()).as("no lease left to expire").isZero();
		assertThat(after.size()).as("every job back in the queue").isEqualTo(3);
		assertThat(reports).filteredOn(WorkerReport.Pulled.class::isInstance).singleElement().satisfies((report) -> {
			assertThat(((WorkerReport.Pulled) report).released()).isEqualTo(1);
			assertThat(((WorkerReport.Pulled) report).drained()).isFalse();
		});
	}

	@Test
	void aHandlerThatFinishesWithinTheGraceHasItsJobAcked() throws Exception {
		ConfigurableApplicationContext context = start("30s");
		Workers workers = context.getBean(Workers.class);
		JobQueue queue = context.getBean(QueueRegistry.class).require("work");
		assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
		awaitPushed(queue);

		Thread closer = Thread.ofVirtual().start(context::close);
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !workers.isRunning());
		release.countDown();
		closer.join(TimeUnit.SECONDS.toMillis(30));

		assertThat(workers.finished().get(10, TimeUnit.SECONDS)).as("every worker has ended").hasSize(2);
		QueueSnapshot after = queue.snapshot().join();
		assertThat(after.inFlight()).isZero();
		assertThat(after.unfinished()).as("the job in hand was acked, the others wait").isEqualTo(2);
	}

	private static void awaitPushed(JobQueue queue) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> queue.snapshot().join().unfinished(), (unfinished) -> unfinished == 3);
	}

}
