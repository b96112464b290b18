package dev.dispatch.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.dispatch.client.test.Backend;
import dev.dispatch.client.test.DispatchServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger: 10,000 jobs through three consumer loops whose handlers fail at random (one
 * attempt in ten), one consumer killed mid-run (its connections cut, nothing released or
 * settled: its leases must expire and come back). At the end every job is acked exactly
 * once or dead-lettered after its last attempt, and none is lost.
 */
class LedgerTest {

	private static final int JOBS = 10_000;

	private static final int MAX_ATTEMPTS = 3;

	@ParameterizedTest
	@EnumSource(Backend.class)
	void everyJobIsAckedExactlyOnceOrDeadLettered(Backend backend) throws Exception {
		DispatchServer server = Services.shared(backend);
		DispatchClient producer = DispatchClient.create(server.baseUrl());
		String queue = Services.queue("ledger");
		producer.configureQueue(queue, new QueueSettings(JOBS, Duration.ofSeconds(2), MAX_ATTEMPTS, null));

		Map<String, Integer> ackedDone = new ConcurrentHashMap<>();
		Set<String> succeededInKilled = ConcurrentHashMap.newKeySet();
		AtomicBoolean killed = new AtomicBoolean();
		SettleListener ledger = (job, action, done) -> {
			if (action == Settlement.Action.ACK && done) {
				ackedDone.merge(job.id(), 1, Integer::sum);
			}
		};
		List<DispatchClient> clients = new ArrayList<>();
		List<DispatchConsumer> consumers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			boolean victim = i == 2;
			DispatchClient client = DispatchClient.create(server.baseUrl());
			clients.add(client);
			consumers.add(client.consumer(queue, (lease) -> {
				// one attempt in ten fails, the same way on every run
				if (failsOn(lease.job())) {
					throw new IllegalStateException("a random failure");
				}
				if (victim && !killed.get()) {
					succeededInKilled.add(lease.job().id());
				}
			})
				.concurrency(8)
				.pollWait(Duration.ofSeconds(1))
				.nackBackoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(5)))
				.errorBackoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(200)))
				.shutdownGrace(Duration.ZERO)
				.settleListener(ledger)
				.start());
		}

		Set<String> put = new HashSet<>();
		for (int from = 0; from < JOBS; from += TakeOptions.MAX_JOBS) {
			List<NewJob> batch = new ArrayList<>();
			for (int n = from; n < from + TakeOptions.MAX_JOBS; n++) {
				batch.add(NewJob.of(n));
			}
			producer.putBatch(queue, batch, Duration.ofSeconds(10)).forEach((accepted) -> put.add(accepted.id()));
			if (from == JOBS / 3) {
				// the kill: connections cut mid-run, nothing settled or released any more
				killed.set(true);
				clients.get(2).close();
				consumers.get(2).close();
			}
		}
		producer.closeQueue(queue, false);
		for (DispatchConsumer consumer : consumers.subList(0, 2)) {
			consumer.awaitTermination();
		}

		Set<String> deadLettered = drain(producer, queue + ".dead");
		assertThat(put).hasSize(JOBS);
		assertThat(producer.queueInfo(queue).unfinished()).isZero();
		assertThat(ackedDone.values()).as("no job acked twice").allSatisfy((times) -> assertThat(times).isEqualTo(1));
		assertThat(deadLettered).as("dead letters acked too").doesNotContainAnyElementsOf(ackedDone.keySet());
		for (String id : put) {
			boolean acked = ackedDone.containsKey(id) || succeededInKilled.contains(id);
			assertThat(acked || deadLettered.contains(id)).as("job %s acked or dead-lettered", id).isTrue();
		}
		assertThat(deadLettered).as("about one job in a thousand fails three times").hasSizeBetween(1, 40);
	}

	/**
	 * Whether this attempt of the job fails: one in ten, independently, the same on every
	 * run.
	 */
	private static boolean failsOn(Job job) {
		return new SplittableRandom(job.id().hashCode() * 31L + job.attempt()).nextInt(10) == 0;
	}

	private static Set<String> drain(DispatchClient client, String queue) {
		Set<String> ids = new HashSet<>();
		while (true) {
			Taken taken;
			try {
				taken = client.take(queue, new TakeOptions(TakeOptions.MAX_JOBS, Duration.ZERO, null));
			}
			catch (QueueNotFoundException ex) {
				// no job failed its last attempt: the dead-letter queue was never made
				return ids;
			}
			if (taken.isEmpty()) {
				return ids;
			}
			List<Settlement> acks = new ArrayList<>();
			for (Lease lease : taken.leases()) {
				assertThat(lease.job().deadLetter())
					.hasValueSatisfying((dead) -> assertThat(dead.attempts()).isEqualTo(MAX_ATTEMPTS));
				ids.add(lease.job().id());
				acks.add(Settlement.ack(lease.leaseId()));
			}
			client.settle(queue, acks);
		}
	}

}
