package dev.dispatch.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test JVM that Surefire killed at exit is named with its threads at the end of the
 * build; the dumps Surefire writes for other reasons, and a build without any, say
 * nothing.
 */
class KilledForksReportTest {

	@TempDir
	Path reports;

	@Test
	void aKilledForkIsPrintedWithItsThreads() throws Exception {
		Path surefire = Files.createDirectories(this.reports.resolve("surefire-reports"));
		Files.writeString(surefire.resolve("2026-12-07T09-47-23_456-jvmRun1.dump"), """
				# Created at 2026-12-07T09:49:45.100
				Surefire is going to kill self fork JVM. The exit has elapsed 30 seconds after System.exit(0).
				# Created at 2026-12-07T09:49:45.101
				Thread dump for process (1234@vm) after 30 seconds shutdown timeout:
				"SpringApplicationShutdownHook"
				   java.lang.Thread.State: TIMED_WAITING
				        at org.springframework.boot.jetty.GracefulShutdown.awaitShutdown
				""");
		Files.writeString(surefire.resolve("2026-12-07T09-47-23_456-jvmRun2.dump"),
				"# Created at 2026-12-07T09:49:45.100\nCorrupted channel by directly writing to native stream\n");

		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		int killed = KilledForksReport.report(List.of(surefire, this.reports.resolve("failsafe-reports")),
				new PrintStream(printed, true, StandardCharsets.UTF_8));

		assertThat(killed).isEqualTo(1);
		assertThat(printed.toString(StandardCharsets.UTF_8))
			.contains("A TEST JVM DID NOT EXIT within 30 s of System.exit", "jvmRun1.dump",
					"  \"SpringApplicationShutdownHook\"", "GracefulShutdown.awaitShutdown")
			.doesNotContain("Corrupted channel");
	}

	@Test
	void aBuildWhoseJvmsExitedSaysNothing() throws Exception {
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		assertThat(KilledForksReport.report(List.of(this.reports.resolve("surefire-reports")),
				new PrintStream(printed, true, StandardCharsets.UTF_8)))
			.isZero();
		assertThat(printed.size()).isZero();
	}

}
