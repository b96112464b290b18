package dev.dispatch.backend.memory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.ManualScheduler;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry's payload budget: what counts as held, when a put is refused for it, and
 * that every way a job or a parked put leaves gives its bytes back.
 */
class PayloadBudgetTest {

	/** Ten bytes: two five-byte payloads. */
	private final PayloadBudget budget = new PayloadBudget(10);

	private final ManualScheduler time = new ManualScheduler();

	private final MemoryQueueRegistry registry = new MemoryQueueRegistry(this.time, QueueListener.NONE,
			new QueueConfig(1, Duration.ofSeconds(30), 1, null), true, Duration.ofMinutes(10), 10, this.budget);

	private final JobQueue queue = this.registry.obtain("q");

	private PutOutcome putNow(String payload) {
		return this.queue.put(Payload.of(payload), PutOptions.noWait()).join();
	}

	private String leaseOfOne() {
		TakeOutcome outcome = this.queue.take(TakeOptions.leased(Duration.ZERO)).join();
		return ((TakeOutcome.Delivered) outcome).deliveries().getFirst().leaseId();
	}

	@Test
	void aPutBeyondTheBudgetIsRefusedAtOnceEvenWithAWait() {
		assertThat(putNow("aaaaa")).isInstanceOf(PutOutcome.Accepted.class);
		assertThat(this.budget.held()).isEqualTo(5);

		CompletableFuture<PutOutcome> tooBig = this.queue.put(Payload.of("bbbbbb"),
				PutOptions.waiting(Duration.ofSeconds(5)));

		assertThat(tooBig).isCompletedWithValueMatching((outcome) -> outcome instanceof PutOutcome.StorageFull);
		assertThat(this.queue.snapshot().join().waitingPutters()).isZero();
		assertThat(this.budget.held()).isEqualTo(5);
	}

	@Test
	void aParkedPutHoldsItsBytesUntilWithdrawnOrRefused() {
		putNow("aaaaa");
		CompletableFuture<PutOutcome> parked = this.queue.put(Payload.of("bbbbb"),
				PutOptions.waiting(Duration.ofSeconds(5)));
		assertThat(this.budget.held()).isEqualTo(10);
		assertThat(putNow("c")).isInstanceOf(PutOutcome.StorageFull.class);

		parked.cancel(false);
		assertThat(this.budget.held()).isEqualTo(5);

		CompletableFuture<PutOutcome> timesOut = this.queue.put(Payload.of("ddd"),
				PutOptions.waiting(Duration.ofSeconds(1)));
		assertThat(this.budget.held()).isEqualTo(8);
		this.time.advance(Duration.ofSeconds(1));
		assertThat(timesOut).isCompletedWithValueMatching((outcome) -> outcome instanceof PutOutcome.Full);
		assertThat(this.budget.held()).isEqualTo(5);
	}

	@Test
	void deletingAQueueAndDiscardingItsJobsGivesTheirBytesBack() {
		putNow("aaaaa");
		leaseOfOne();
		JobQueue other = this.registry.obtain("other");
		other.put(Payload.of("bbbbb"), PutOptions.noWait()).join();
		assertThat(this.budget.held()).isEqualTo(10);

		this.registry.delete("q", true);
		this.registry.delete("other", true);

		assertThat(this.budget.held()).isZero();
		assertThat(this.registry.find("q.dead")).isEmpty();
	}

	@Test
	void bytesComeBackWhenAJobIsAckedOrAutoAcked() {
		putNow("aaaaa");
		String lease = leaseOfOne();
		assertThat(this.budget.held()).as("a leased job is still held").isEqualTo(5);
		this.queue.ack(lease).join();
		assertThat(this.budget.held()).isZero();

		putNow("bbbbb");
		this.queue.take(TakeOptions.autoAcked(Duration.ZERO)).join();
		assertThat(this.budget.held()).isZero();
	}

	@Test
	void aDuplicatePutHoldsNothingNew() {
		this.queue.put(Payload.of("aaaaa"), new PutOptions(Duration.ZERO, "key")).join();
		PutOutcome again = this.queue.put(Payload.of("aaaaa"), new PutOptions(Duration.ZERO, "key")).join();

		assertThat(again).isInstanceOfSatisfying(PutOutcome.Accepted.class,
				(accepted) -> assertThat(accepted.duplicate()).isTrue());
		assertThat(this.budget.held()).isEqualTo(5);
	}

	@Test
	void deadLettersStayCountedAndAreNeverRefused() {
		putNow("aaaaa");
		String lease = leaseOfOne();
		putNow("bbbbb");
		assertThat(this.budget.held()).isEqualTo(10);

		// the last attempt fails: the job moves to q.dead although the budget is full
		this.queue.nack(lease, Duration.ZERO).join();

		assertThat(this.registry.require("q.dead").snapshot().join().size()).isEqualTo(1);
		assertThat(this.budget.held()).isEqualTo(10);
	}

	@Test
	void anImmediateCloseKeepsThePurgedJobsCounted() {
		putNow("aaaaa");
		this.queue.close(CloseMode.IMMEDIATE).join();

		assertThat(this.registry.require("q.dead").snapshot().join().size()).isEqualTo(1);
		assertThat(this.budget.held()).isEqualTo(5);
		this.registry.require("q.dead").take(TakeOptions.autoAcked(Duration.ZERO)).join();
		assertThat(this.budget.held()).isZero();
	}

}
