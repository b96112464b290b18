package dev.dispatch.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.QueueSnapshot;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo profiles, run to the end with short intervals: Fred and George handle each of
 * the 20 jobs exactly once between them, both see the queue drained, and the queue ends
 * drained.
 */
class DemoScenarioTest {

	private static final String FAST = "dispatch.workers.pushers.pusher.interval=10ms";

	private static final String RECORDED_FRED = "dispatch.workers.pullers.Fred.handler=recording";

	private static final String RECORDED_GEORGE = "dispatch.workers.pullers.George.handler=recording";

	/**
	 * The test's context is cached and closed by the test framework (DemoStoryTest lets
	 * it end).
	 */
	private static final String KEEP_SERVING = "dispatch.workers.exit-when-done=false";

	@TestConfiguration(proxyBeanMethods = false)
	static class Recording {

		@Bean
		RecordingHandler recording() {
			return new RecordingHandler(
					new SimulatedWorkHandler(new WorkerProperties.SimulatedWork(Duration.ZERO, Duration.ofMillis(20))));
		}

	}

	abstract static class Scenario {

		@Autowired
		Workers workers;

		@Autowired
		RecordingHandler recording;

		@Autowired
		QueueRegistry registry;

		List<WorkerReport> runToTheEnd() throws Exception {
			return this.workers.finished().get(60, TimeUnit.SECONDS);
		}

		void assertEveryJobHandledOnceByFredOrGeorge(List<WorkerReport> reports) {
			assertThat(this.recording.handled()).extracting(RecordingHandler.Handled::payload)
				.containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 20).mapToObj(Integer::toString).toList());
			assertThat(this.recording.handled()).extracting(RecordingHandler.Handled::worker)
				.allMatch((worker) -> worker.equals("Fred") || worker.equals("George"));
			assertThat(reports).filteredOn(WorkerReport.Pulled.class::isInstance)
				.extracting(WorkerReport::worker)
				.containsExactlyInAnyOrder("Fred", "George");
			assertThat(reports).filteredOn(WorkerReport.Pulled.class::isInstance)
				.allSatisfy((report) -> assertThat(((WorkerReport.Pulled) report).drained()).isTrue());
			assertThat(reports).filteredOn(WorkerReport.Pulled.class::isInstance)
				.extracting((report) -> ((WorkerReport.Pulled) report).handled())
				.containsExactlyInAnyOrder((long) countOf("Fred"), (long) countOf("George"));
			QueueSnapshot demo = this.registry.require("demo").snapshot().join();
			assertThat(demo.drained()).isTrue();
			assertThat(demo.unfinished()).isZero();
		}

		private int countOf(String worker) {
			return (int) this.recording.handled().stream().filter((h) -> h.worker().equals(worker)).count();
		}

		WorkerReport.Pushed pusher(List<WorkerReport> reports) {
			return reports.stream()
				.filter(WorkerReport.Pushed.class::isInstance)
				.map(WorkerReport.Pushed.class::cast)
				.findFirst()
				.orElseThrow();
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
			properties = { FAST, RECORDED_FRED, RECORDED_GEORGE, KEEP_SERVING })
	@ActiveProfiles("demo")
	@Import(Recording.class)
	class Demo extends Scenario {

		@Test
		void fredAndGeorgeHandleTwentyJobsAndStopWhenTheQueueIsDrained() throws Exception {
			List<WorkerReport> reports = runToTheEnd();
			assertEveryJobHandledOnceByFredOrGeorge(reports);
			WorkerReport.Pushed pusher = pusher(reports);
			assertThat(pusher.pushed()).isEqualTo(20);
			assertThat(pusher.closedQueue()).isTrue();
			assertThat(pusher.joined()).isTrue();
			assertThat(this.registry.require("demo").snapshot().join().capacity()).isEqualTo(1000);
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
			properties = { RECORDED_FRED, RECORDED_GEORGE, KEEP_SERVING })
	@ActiveProfiles({ "demo", "demo-bounded" })
	@Import(Recording.class)
	class Bounded extends Scenario {

		@Test
		void thePusherWaitsForRoomInAQueueOfThree() throws Exception {
			List<WorkerReport> reports = runToTheEnd();
			assertEveryJobHandledOnceByFredOrGeorge(reports);
			WorkerReport.Pushed pusher = pusher(reports);
			assertThat(pusher.pushed()).isEqualTo(20);
			assertThat(pusher.waitsForRoom()).as("times the pusher found the queue full").isPositive();
			assertThat(this.registry.require("demo").snapshot().join().capacity()).isEqualTo(3);
		}

	}

}
