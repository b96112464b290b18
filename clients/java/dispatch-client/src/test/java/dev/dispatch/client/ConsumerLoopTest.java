package dev.dispatch.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dispatch.client.test.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The consumer loop against the real service, on both backends. */
class ConsumerLoopTest {

	// A settlement's outcome comes back with the answer of the request that carried it:
	// with
	// settle-and-take, the next long poll's. The tests that wait for outcomes poll for 1
	// s.

	private static final Backoff FAST = Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(200));

	@ParameterizedTest
	@EnumSource(Backend.class)
	void handlesEveryJobWithConcurrentSlotsAndStopsWhenTheQueueIsDrained(Backend backend) throws Exception {
		DispatchClient client = Services.client(backend);
		String queue = closedQueueOfNumbers(client, "loop", 60);
		Set<Integer> handled = ConcurrentHashMap.newKeySet();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		Map<String, Integer> acked = new ConcurrentHashMap<>();
		DispatchConsumer consumer = client.consumer(queue, (lease) -> {
			mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
			assertThat(handled.add(lease.job().payload(Integer.class))).isTrue();
			Thread.sleep(5);
			running.decrementAndGet();
		}).concurrency(4).settleListener((job, action, done) -> {
			if (action == Settlement.Action.ACK && done) {
				acked.merge(job.id(), 1, Integer::sum);
			}
		}).build();

		consumer.run();

		assertThat(handled).hasSize(60);
		assertThat(acked).hasSize(60).allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
		assertThat(mostAtOnce.get()).isBetween(1, 4);
		assertThat(consumer.isRunning()).isFalse();
		assertThat(client.queueInfo(queue).drained()).isTrue();
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void quickHandlersAreFedAsManyJobsATakeAsTheLoopHasSlots(Backend backend) throws Exception {
		DispatchClient client = Services.client(backend);
		String queue = closedQueueOfNumbers(client, "gather", 60);
		Set<Integer> handled = ConcurrentHashMap.newKeySet();
		// a linger far longer than the handlers: each round waits for all four slots
		DispatchConsumer consumer = client.consumer(queue, (lease) -> handled.add(lease.job().payload(Integer.class)))
			.concurrency(4)
			.takeLinger(Duration.ofSeconds(10))
			.build();

		consumer.run();

		assertThat(handled).hasSize(60);
		// counted by the service: every take that delivered jobs
		assertThat(Services.deliveringTakes(backend, queue)).isEqualTo(15);
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aHandlerThatRunsOnDelaysTheOtherSlotsNextJobsByAtMostTheTakeLinger(Backend backend) throws Exception {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("linger");
		client.put(queue, "stuck");
		CountDownLatch stuckStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch quickOnes = new CountDownLatch(5);
		try (DispatchConsumer consumer = client.consumer(queue, (lease) -> {
			if (lease.job().payload(String.class).equals("stuck")) {
				stuckStarted.countDown();
				release.await();
			}
			else {
				quickOnes.countDown();
			}
		}).concurrency(2).takeLinger(Duration.ofMillis(100)).pollWait(Duration.ofSeconds(1)).start()) {
			assertThat(stuckStarted.await(20, TimeUnit.SECONDS)).isTrue();
			for (int n = 0; n < 5; n++) {
				client.put(queue, "quick-" + n);
			}
			// one slot is held the whole time; the other goes on, a round after each job
			assertThat(quickOnes.await(20, TimeUnit.SECONDS)).isTrue();
			release.countDown();
		}
		assertThat(client.queueInfo(queue).unfinished()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void withPrefetchATakeAsksForJobsBeyondTheFreeSlotsAndTheyWaitForOne(Backend backend) throws Exception {
		DispatchClient client = Services.client(backend);
		String queue = closedQueueOfNumbers(client, "prefetch", 60);
		Set<Integer> handled = ConcurrentHashMap.newKeySet();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		DispatchConsumer consumer = client.consumer(queue, (lease) -> {
			mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
			handled.add(lease.job().payload(Integer.class));
			running.decrementAndGet();
		}).concurrency(2).prefetch(8).takeLinger(Duration.ofSeconds(10)).build();

		consumer.run();

		assertThat(handled).hasSize(60);
		assertThat(mostAtOnce.get()).isBetween(1, 2);
		assertThat(Services.deliveringTakes(backend, queue)).isEqualTo(6);
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aPrefetchedJobThatWaitsAThirdOfItsLeaseIsReleasedWithItsAttemptNotCounted(Backend backend) throws Exception {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("prefetch-wait");
		client.put(queue, "stuck");
		client.put(queue, "next");
		CountDownLatch release = new CountDownLatch(1);
		List<Integer> nextAttempts = new CopyOnWriteArrayList<>();
		List<String> outcomes = new CopyOnWriteArrayList<>();
		try (DispatchConsumer consumer = client.consumer(queue, (lease) -> {
			if (lease.job().payload(String.class).equals("stuck")) {
				release.await();
			}
			else {
				nextAttempts.add(lease.job().attempt());
			}
		})
			.prefetch(1)
			.lease(Duration.ofMillis(900))
			.pollWait(Duration.ofSeconds(1))
			.settleListener((job, action, done) -> outcomes.add(job.payload(String.class) + ":" + action + ":" + done))
			.start()) {
			// "next" waits behind "stuck" in the one slot: after a third of its lease it
			// goes back (and the loop, with room again, may take it again)
			Eventually.within(Duration.ofSeconds(10), "the waiting job released",
					() -> outcomes.contains("next:RELEASE:true"));
			assertThat(nextAttempts).isEmpty();
			release.countDown();
			Eventually.within(Duration.ofSeconds(10), "the released job handled", () -> !nextAttempts.isEmpty());
		}
		assertThat(nextAttempts).containsExactly(1);
		assertThat(client.queueInfo(queue).unfinished()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void closingReleasesPrefetchedJobsAtOnceInTheirOrder(Backend backend) throws Exception {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("prefetch-close");
		List<String> ids = new ArrayList<>();
		for (String payload : List.of("stuck", "a", "b")) {
			ids.add(client.put(queue, payload).id());
		}
		CountDownLatch started = new CountDownLatch(1);
		DispatchConsumer consumer = client.consumer(queue, (lease) -> {
			started.countDown();
			new CountDownLatch(1).await();
		}).prefetch(2).shutdownGrace(Duration.ofMillis(200)).start();
		assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
		Eventually.within(Duration.ofSeconds(10), "all three taken", () -> client.queueInfo(queue).inFlight() == 3);

		consumer.close();

		Taken back = client.take(queue, new TakeOptions(3, Duration.ZERO, null));
		assertThat(back.leases()).extracting((lease) -> lease.job().id()).containsExactlyElementsOf(ids);
		assertThat(back.leases()).allSatisfy((lease) -> assertThat(lease.job().attempt()).isEqualTo(1));
	}

	@Test
	void prefetchAndConcurrencyTakeAtMostAHundredJobs() {
		DispatchClient client = DispatchClient.create("http://127.0.0.1:1");
		assertThatThrownBy(() -> client.consumer("q", (lease) -> {
		}).concurrency(50).prefetch(51).build()).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("prefetch");
		assertThatThrownBy(() -> client.consumer("q", (lease) -> {
		}).prefetch(-1)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void aNegativeTakeLingerIsRefused() {
		DispatchClient client = DispatchClient.create("http://127.0.0.1:1");
		assertThatThrownBy(() -> client.consumer("q", (lease) -> {
		}).takeLinger(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("takeLinger");
	}

	/**
	 * A new queue holding the jobs 0 to {@code count - 1}, closed: drained after them.
	 */
	private static String closedQueueOfNumbers(DispatchClient client, String what, int count) {
		String queue = Services.queue(what);
		List<NewJob> jobs = new ArrayList<>();
		for (int n = 0; n < count; n++) {
			jobs.add(NewJob.of(n));
		}
		client.putBatch(queue, jobs, Duration.ZERO);
		client.closeQueue(queue, false);
		return queue;
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aFailedJobIsNackedWithBackoffAndTriedAgain(Backend backend) throws Exception {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("retry");
		client.put(queue, "flaky");
		List<Integer> attempts = new CopyOnWriteArrayList<>();
		List<String> outcomes = new CopyOnWriteArrayList<>();
		CountDownLatch acked = new CountDownLatch(1);
		try (DispatchConsumer consumer = client.consumer(queue, (lease) -> {
			attempts.add(lease.job().attempt());
			if (lease.job().attempt() == 1) {
				throw new IllegalStateException("the first attempt fails");
			}
		}).nackBackoff(FAST).pollWait(Duration.ofSeconds(1)).settleListener((job, action, done) -> {
			outcomes.add(action + ":" + done);
			if (action == Settlement.Action.ACK) {
				acked.countDown();
			}
		}).start()) {
			assertThat(acked.await(20, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(attempts).containsExactly(1, 2);
		assertThat(outcomes).containsExactly("NACK:true", "ACK:true");
		assertThat(client.queueInfo(queue).unfinished()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aLeaseIsExtendedWhileALongJobRuns(Backend backend) throws Exception {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("long-job");
		client.put(queue, "slow");
		Duration lease = Duration.ofSeconds(1);
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		AtomicInteger deliveries = new AtomicInteger();
		List<String> outcomes = new CopyOnWriteArrayList<>();
		try (DispatchConsumer consumer = client.consumer(queue, (job) -> {
			deliveries.incrementAndGet();
			started.countDown();
			finish.await();
		})
			.lease(lease)
			.pollWait(Duration.ofSeconds(1))
			.settleListener((job, action, done) -> outcomes.add(action + ":" + done))
			.start()) {
			assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
			// the job keeps running past three and a half leases: no other consumer may
			// get it
			Taken meanwhile = client.take(queue, new TakeOptions(1, lease.multipliedBy(7).dividedBy(2), null));
			assertThat(meanwhile.leases()).isEmpty();
			finish.countDown();
			Eventually.within(Duration.ofSeconds(10), "the long job acked", () -> !outcomes.isEmpty());
		}
		assertThat(outcomes).containsExactly("ACK:true");
		assertThat(deliveries.get()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void closingMidJobReleasesItAtOnceWithItsAttemptNotCounted(Backend backend) throws Exception {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("shutdown");
		Accepted accepted = client.put(queue, "stuck");
		CountDownLatch started = new CountDownLatch(1);
		AtomicInteger interrupted = new AtomicInteger();
		DispatchConsumer consumer = client.consumer(queue, (lease) -> {
			started.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.incrementAndGet();
				throw ex;
			}
		}).shutdownGrace(Duration.ofMillis(200)).start();
		assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

		consumer.close();

		assertThat(consumer.done()).isCompleted();
		Taken back = client.take(queue, new TakeOptions(1, Duration.ZERO, null));
		assertThat(back.leases()).hasSize(1);
		assertThat(back.leases().getFirst().job().id()).isEqualTo(accepted.id());
		assertThat(back.leases().getFirst().job().attempt()).isEqualTo(1);
		Eventually.within(Duration.ofSeconds(5), "the handler interrupted", () -> interrupted.get() == 1);
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aQueueThatDoesNotExistYetIsWaitedForAndSaidOnce(Backend backend) throws Exception {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("not-yet");
		CountDownLatch handled = new CountDownLatch(1);
		try (LogRecords log = new LogRecords();
				DispatchConsumer consumer = client.consumer(queue, (lease) -> handled.countDown())
					.errorBackoff(FAST)
					.start()) {
			Eventually.within(Duration.ofSeconds(10), "the missing queue reported",
					() -> !log.containing("queue " + queue + " does not exist yet").isEmpty());
			client.put(queue, "first");
			assertThat(handled.await(20, TimeUnit.SECONDS)).isTrue();
			assertThat(log.containing("queue " + queue + " does not exist yet")).hasSize(1);
		}
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aQueueClosedWhileTheLoopWaitsEndsIt(Backend backend) throws Exception {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("close-later");
		client.configureQueue(queue, QueueSettings.UNCHANGED);
		DispatchConsumer consumer = client.consumer(queue, (lease) -> {
		}).start();
		client.put(queue, "last");
		client.closeQueue(queue, false);
		consumer.done().get(20, TimeUnit.SECONDS);
		assertThat(client.queueInfo(queue).drained()).isTrue();
	}

}
