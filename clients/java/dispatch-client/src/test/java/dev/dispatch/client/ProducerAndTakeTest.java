package dev.dispatch.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.dispatch.client.test.Backend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Puts, takes and single settlements against the real service, on both backends. */
class ProducerAndTakeTest {

	private static final TakeOptions NOW = new TakeOptions(10, Duration.ZERO, null);

	record Email(String to, int n) {
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aJobPutIsTakenBoundAndAcked(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("round-trip");
		Accepted accepted = client.put(queue, new Email("ada@example.org", 1));
		assertThat(accepted.queue()).isEqualTo(queue);
		assertThat(accepted.duplicate()).isFalse();

		Taken taken = client.take(queue, NOW);
		assertThat(taken.leases()).hasSize(1);
		Lease lease = taken.leases().getFirst();
		assertThat(lease.job().id()).isEqualTo(accepted.id());
		assertThat(lease.job().attempt()).isEqualTo(1);
		assertThat(lease.job().payload(Email.class)).isEqualTo(new Email("ada@example.org", 1));
		assertThat(lease.job().trace()).isEmpty();
		lease.ack();

		assertThat(client.queueInfo(queue).unfinished()).isZero();
		assertThatThrownBy(lease::ack).isInstanceOf(LeaseExpiredException.class)
			.hasMessageContaining("POST /v1/queues/" + queue + "/leases/" + lease.leaseId() + "/ack")
			.hasMessageContaining("(queue " + queue + ")")
			.hasMessageContaining("410 lease-expired");
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aRepeatedIdempotencyKeyMakesNoSecondJob(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("idempotent");
		Accepted first = client.put(queue, NewJob.json("{\"n\":1}").withIdempotencyKey("order-42"), Duration.ZERO);
		Accepted again = client.put(queue, NewJob.json("{\"n\":1}").withIdempotencyKey("order-42"), Duration.ZERO);
		assertThat(again.id()).isEqualTo(first.id());
		assertThat(client.queueInfo(queue).size()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void priorityAndGroupDecideTheOrderAndComeBackWithTheJob(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("lanes");
		client.put(queue, NewJob.of("a1").withGroup("tenant a"), Duration.ZERO);
		client.put(queue, NewJob.of("a2").withGroup("tenant a"), Duration.ZERO);
		client.put(queue, NewJob.of("b1").withGroup("tenant/b"), Duration.ZERO);
		client.putBatch(queue, List.of(NewJob.of("low").withPriority(1), NewJob.of("urgent").withPriority(9)),
				Duration.ZERO);
		Taken taken = client.take(queue, NOW);
		assertThat(taken.leases()).extracting((lease) -> lease.job().payload().asString())
			.containsExactly("urgent", "a1", "b1", "a2", "low");
		assertThat(taken.leases()).extracting((lease) -> lease.job().priority()).containsExactly(9, 5, 5, 5, 1);
		assertThat(taken.leases()).extracting((lease) -> lease.job().group().orElse(null))
			.containsExactly(null, "tenant a", "tenant/b", "tenant a", null);
		assertThatThrownBy(() -> NewJob.of(1).withPriority(10)).isInstanceOf(IllegalArgumentException.class);
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aBatchIsPutInOrderWithKeysAndDelays(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("batch");
		List<NewJob> jobs = new ArrayList<>();
		for (int n = 1; n <= 5; n++) {
			jobs.add(NewJob.of(Map.of("n", n)).withIdempotencyKey("k" + n));
		}
		jobs.add(NewJob.of("later").withDelay(Duration.ofHours(1)));
		List<Accepted> accepted = client.putBatch(queue, jobs, Duration.ZERO);
		assertThat(accepted).hasSize(6);
		assertThat(accepted.getLast().readyAt()).isNotNull();

		List<Accepted> repeated = client.putBatch(queue, jobs.subList(0, 2), Duration.ZERO);
		assertThat(repeated).extracting(Accepted::duplicate).containsExactly(true, true);
		assertThat(repeated).extracting(Accepted::id).containsExactly(accepted.get(0).id(), accepted.get(1).id());

		Taken taken = client.take(queue, NOW);
		assertThat(taken.leases()).extracting((lease) -> lease.job().payload().path("n").asInt())
			.containsExactly(1, 2, 3, 4, 5);
		assertThat(client.queueInfo(queue).delayed()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aNackedJobComesBackCountedAndAReleasedOneUncounted(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("nack");
		client.put(queue, "job");
		Lease first = client.take(queue, NOW).leases().getFirst();
		first.nack(Duration.ZERO);
		Lease second = client.take(queue, NOW).leases().getFirst();
		assertThat(second.job().attempt()).isEqualTo(2);
		second.release();
		Lease third = client.take(queue, NOW).leases().getFirst();
		assertThat(third.job().attempt()).isEqualTo(2);
		assertThat(third.extend(Duration.ofMinutes(5))).isAfter(third.expiresAt());
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void settlementsGoInOneRequestWithAnOutcomeEach(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("settle");
		client.putBatch(queue, List.of(NewJob.of(1), NewJob.of(2)), Duration.ZERO);
		List<Lease> leases = client.take(queue, NOW).leases();
		List<SettleResult> results = client.settle(queue, List.of(Settlement.ack(leases.get(0).leaseId()),
				Settlement.extend(leases.get(1).leaseId(), Duration.ofMinutes(1)), Settlement.ack("no-such-lease")));
		assertThat(results).extracting(SettleResult::done).containsExactly(true, true, false);
		assertThat(results.get(1).leaseExpiresAt()).isNotNull();
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void takingFromAClosedQueueEndsWhenItIsDrained(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("closing");
		client.putBatch(queue, List.of(NewJob.of(1), NewJob.of(2), NewJob.of(3)), Duration.ZERO);
		client.closeQueue(queue, false);
		assertThatThrownBy(() -> client.put(queue, "late")).isInstanceOf(QueueClosedException.class)
			.hasMessageContaining("409 queue-closed");

		List<Integer> seen = new ArrayList<>();
		try (Jobs jobs = client.jobs(queue, TakeOptions.DEFAULT.withMax(2))) {
			for (Lease lease : jobs) {
				seen.add(lease.job().payload(Integer.class));
				lease.ack();
			}
			assertThat(jobs.drained()).isTrue();
		}
		assertThat(seen).containsExactly(1, 2, 3);
		assertThat(client.take(queue, NOW).drained()).isTrue();
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void closingAnIterationReleasesWhatItTookButDidNotHandOut(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("iteration");
		client.putBatch(queue, List.of(NewJob.of(1), NewJob.of(2), NewJob.of(3)), Duration.ZERO);
		try (Jobs jobs = client.jobs(queue, NOW.withMax(3))) {
			Lease first = jobs.iterator().next();
			first.ack();
		}
		List<Lease> back = client.take(queue, NOW).leases();
		assertThat(back).extracting((lease) -> lease.job().payload(Integer.class)).containsExactly(2, 3);
		assertThat(back).extracting((lease) -> lease.job().attempt()).containsExactly(1, 1);
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void anUnknownQueueIsAnErrorThatNamesItAndTheRequest(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("missing");
		assertThatThrownBy(() -> client.take(queue, NOW)).isInstanceOf(QueueNotFoundException.class)
			.hasMessageContaining("POST /v1/queues/" + queue + "/leases (queue " + queue + "): 404 queue-not-found");
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void anAsyncTakeAnswersWhenAJobArrives(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("async");
		client.configureQueue(queue, QueueSettings.UNCHANGED);
		var parked = client.takeAsync(queue, TakeOptions.DEFAULT.withMaxWait(Duration.ofSeconds(30)));
		client.putAsync(queue, NewJob.of("hello"), Duration.ZERO).join();
		Taken taken = parked.join();
		assertThat(taken.leases()).extracting((lease) -> lease.job().payload(String.class)).containsExactly("hello");
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aQueuesLimitsAreSetChangedAndReported(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("limits");
		QueueInfo limited = client.configureQueue(queue,
				QueueSettings.UNCHANGED.withMaxInFlight(5).withMaxLeasesPerSecond(50).withMaxInFlightPerGroup(1));
		assertThat(limited.limits()).isEqualTo(new QueueInfo.Limits(5, 50, 1, false));
		for (int i = 0; i < 3; i++) {
			client.put(queue, NewJob.of(i).withGroup("tenant-a"), Duration.ZERO);
		}
		assertThat(client.take(queue, NOW).leases()).extracting((lease) -> lease.job().payload(Integer.class))
			.containsExactly(0);
		QueueInfo held = client.queueInfo(queue);
		assertThat(held.limits().groupLimited()).isTrue();
		assertThat(held.groups()).isEqualTo(1);
		assertThat(held.paused()).isFalse();
		QueueInfo unlimited = client.configureQueue(queue, QueueSettings.UNCHANGED.withMaxInFlightPerGroup(0));
		assertThat(unlimited.limits()).isEqualTo(new QueueInfo.Limits(5, 50, 0, false));
		assertThat(client.take(queue, NOW).leases()).hasSize(2);
	}

}
