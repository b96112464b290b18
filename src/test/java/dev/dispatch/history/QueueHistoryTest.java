package dev.dispatch.history;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.dispatch.backend.memory.MemoryQueueRegistry;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.ManualScheduler;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A queue's history: what its events counted and its depth, one sample an interval, at
 * most so many kept, and gone with the queue; sampled by {@link HistorySampler} on the
 * queues' scheduler, here one whose time moves only when the test says so.
 */
class QueueHistoryTest {

	private static final Duration INTERVAL = Duration.ofSeconds(10);

	private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

	private static QueueSnapshot snapshot(String name, int ready, int delayed, int inFlight) {
		return new QueueSnapshot(name, QueueConfig.DEFAULTS, ready, delayed, inFlight, 0, 0, false, false, null, false,
				0, List.of());
	}

	@Test
	void eachSampleCountsWhatHappenedSinceTheLastAndTheDepthAtItsEnd() {
		QueueHistory history = new QueueHistory(INTERVAL, 90);
		history.enqueued("q");
		history.enqueued("q");
		history.acked("q");
		history.deadLettered("q", DeadLetter.Reason.MAX_ATTEMPTS);
		history.sample(T0, List.of(snapshot("q", 1, 0, 0)), true);
		history.enqueued("q");
		history.sample(T0.plus(INTERVAL), List.of(snapshot("q", 2, 3, 4)), true);

		QueueHistory.History q = history.of("q").orElseThrow();
		assertThat(q.interval()).isEqualTo(INTERVAL);
		assertThat(q.samples()).containsExactly(new QueueHistory.Sample(T0, 2, 1, 1, 1, 0, 0),
				new QueueHistory.Sample(T0.plus(INTERVAL), 1, 0, 0, 2, 3, 4));
		assertThat(history.of("unknown")).isEmpty();
	}

	@Test
	void aQueueKeepsItsLastSamplesOnly() {
		QueueHistory history = new QueueHistory(INTERVAL, 3);
		for (int i = 0; i < 5; i++) {
			history.sample(T0.plus(INTERVAL.multipliedBy(i)), List.of(snapshot("q", i, 0, 0)), true);
		}
		assertThat(history.of("q").orElseThrow().samples()).extracting(QueueHistory.Sample::ready)
			.containsExactly(2, 3, 4);
	}

	@Test
	void aQueuesHistoryGoesWithIt() {
		QueueHistory history = new QueueHistory(INTERVAL, 90);
		history.sample(T0,
				List.of(snapshot("deleted", 0, 0, 0), snapshot("gone elsewhere", 0, 0, 0), snapshot("silent", 0, 0, 0)),
				true);

		history.queueDeleted("deleted");
		assertThat(history.of("deleted")).isEmpty();
		history.sample(T0.plus(INTERVAL), List.of(), false);
		assertThat(history.of("gone elsewhere")).as("a round without every answer forgets nothing").isPresent();
		history.sample(T0.plus(INTERVAL), List.of(snapshot("silent", 0, 0, 0)), true);
		assertThat(history.of("gone elsewhere")).isEmpty();
		assertThat(history.of("silent").orElseThrow().samples()).hasSize(2);
	}

	@Test
	void aHistoryNeedsAnIntervalAndRoom() {
		assertThatIllegalArgumentException().isThrownBy(() -> new QueueHistory(Duration.ZERO, 10));
		assertThatIllegalArgumentException().isThrownBy(() -> new QueueHistory(INTERVAL, 0));
	}

	@Test
	void theSamplerSamplesEveryQueueEachIntervalOnTheQueuesScheduler() {
		ManualScheduler time = new ManualScheduler(T0);
		QueueHistory history = new QueueHistory(INTERVAL, 90);
		MemoryQueueRegistry registry = new MemoryQueueRegistry(time, QueueListener.allOf(List.of(history)),
				QueueConfig.DEFAULTS, true, Duration.ofMinutes(10));
		JobQueue queue = registry.obtain("orders");
		try (HistorySampler sampler = new HistorySampler(history, registry, time)) {
			sampler.start();
			queue.put(Payload.of("1"), PutOptions.noWait()).join();
			queue.put(Payload.of("2"), PutOptions.noWait()).join();
			Delivery taken = ((TakeOutcome.Delivered) queue.take(TakeOptions.leased(Duration.ZERO)).join()).deliveries()
				.getFirst();
			queue.ack(taken.leaseId()).join();
			assertThat(history.of("orders")).as("nothing before the first interval ends").isEmpty();

			time.advance(INTERVAL);
			time.advance(INTERVAL);

			assertThat(history.of("orders").orElseThrow().samples()).containsExactly(
					new QueueHistory.Sample(T0.plus(INTERVAL), 2, 1, 0, 1, 0, 0),
					new QueueHistory.Sample(T0.plus(INTERVAL.multipliedBy(2)), 0, 0, 0, 1, 0, 0));
			registry.delete("orders");
			assertThat(history.of("orders")).isEmpty();
			sampler.close();
			time.advance(INTERVAL);
			assertThat(history.of("orders")).isEmpty();
		}
	}

}
