package dev.dispatch.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.dispatch.DispatchApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo as a newcomer runs it, with short intervals: its log tells the whole story, a
 * short line per event (every job put once, then taken once, worked on and acked by Fred
 * or George; both see the queue drained; the pusher's join returns after the last job is
 * done; the pullers' counts of acked jobs match), and then the application stops by
 * itself.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoStoryTest {

	private static final Pattern STAMPED = Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (.*)$");

	private static final Pattern PUTTING = Pattern.compile("\\[ pusher \\] putting job (\\d+)");

	private static final Pattern TOOK = Pattern.compile("\\[ (Fred|George) \\] took job (\\d+) \\(attempt (\\d+)\\)");

	private static final Pattern DONE = Pattern
		.compile("\\[ (Fred|George) \\] job (\\d+) done in \\d+\\.\\d\\d s; acking");

	private static final Pattern DRAINED = Pattern
		.compile("\\[ (Fred|George) \\] queue demo is drained: done \\(handled (\\d+) jobs\\)");

	private static final Pattern JOINED = Pattern.compile("\\[ pusher \\] every job is done: join returned after .*");

	private static final Pattern EXITING = Pattern.compile("Every worker is done; stopping .*");

	@Test
	void theDemoTellsTheWholeStoryThenStops(CapturedOutput output) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(DispatchApplication.class)
			.profiles("demo")
			.run("--server.port=0", "--server.address=127.0.0.1", "--spring.jmx.enabled=false",
					"--dispatch.workers.pushers.pusher.interval=10ms", "--dispatch.workers.simulated-work.max=30ms");
		try {
			Awaitility.await()
				.atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> !context.isActive());
		}
		finally {
			context.close();
		}

		List<String> story = story(output.getOut());
		Map<String, Integer> put = new HashMap<>();
		Map<String, Integer> took = new HashMap<>();
		Map<String, String> takenBy = new HashMap<>();
		Map<String, Integer> acked = new HashMap<>();
		Map<String, Long> ackedBy = new HashMap<>();
		Map<String, Long> drained = new HashMap<>();
		int joined = -1;
		int exiting = -1;
		for (int i = 0; i < story.size(); i++) {
			String line = story.get(i);
			Matcher m;
			if ((m = PUTTING.matcher(line)).matches()) {
				assertThat(put.put(m.group(1), i)).as("job %s put once", m.group(1)).isNull();
			}
			else if ((m = TOOK.matcher(line)).matches()) {
				assertThat(took.put(m.group(2), i)).as("job %s taken once", m.group(2)).isNull();
				assertThat(m.group(3)).as("attempt of job %s", m.group(2)).isEqualTo("1");
				takenBy.put(m.group(2), m.group(1));
			}
			else if ((m = DONE.matcher(line)).matches()) {
				assertThat(acked.put(m.group(2), i)).as("job %s acked once", m.group(2)).isNull();
				assertThat(m.group(1)).as("who acked job %s", m.group(2)).isEqualTo(takenBy.get(m.group(2)));
				ackedBy.merge(m.group(1), 1L, Long::sum);
			}
			else if ((m = DRAINED.matcher(line)).matches()) {
				assertThat(drained.put(m.group(1), Long.parseLong(m.group(2)))).isNull();
			}
			else if (JOINED.matcher(line).matches()) {
				joined = i;
			}
			else if (EXITING.matcher(line).matches()) {
				exiting = i;
			}
		}
		List<String> jobs = IntStream.rangeClosed(1, 20).mapToObj(Integer::toString).toList();
		assertThat(put.keySet()).containsExactlyInAnyOrderElementsOf(jobs);
		assertThat(took.keySet()).containsExactlyInAnyOrderElementsOf(jobs);
		assertThat(acked.keySet()).containsExactlyInAnyOrderElementsOf(jobs);
		for (String job : jobs) {
			assertThat(put.get(job)).as("job %s: put before taken", job).isLessThan(took.get(job));
			assertThat(took.get(job)).as("job %s: taken before acked", job).isLessThan(acked.get(job));
		}
		assertThat(drained).as("pullers that saw the queue drained, with their counts").isEqualTo(ackedBy);
		int lastAck = acked.values().stream().max(Integer::compare).orElseThrow();
		assertThat(joined).as("the join returns after the last job is done").isGreaterThan(lastAck);
		assertThat(exiting).as("the application stops once the story is over").isGreaterThan(joined);
	}

	/** The demo's lines, without their time stamps; every line of the output has one. */
	private static List<String> story(String out) {
		List<String> story = new ArrayList<>();
		for (String line : out.lines().toList()) {
			Matcher stamped = STAMPED.matcher(line);
			assertThat(stamped.matches()).as("a compact line: time, then message: %s", line).isTrue();
			assertThat(line.length()).as("a short line: %s", line).isLessThan(120);
			story.add(stamped.group(1));
		}
		return story;
	}

}
