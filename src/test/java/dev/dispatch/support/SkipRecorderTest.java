package dev.dispatch.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Tests that cannot run count as skipped, each with its reason, and the build prints the
 * reasons: run on JUnit's own engine (EngineTestKit), with the records in a directory of
 * the test's own so that the build's report does not list these samples.
 */
class SkipRecorderTest {

	@TempDir
	Path records;

	@Test
	void aClassWhoseBeforeAllAbortsHasEachTestSkippedWithTheReason() throws Exception {
		EngineTestKit.engine("junit-jupiter")
			.configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
			.configurationParameter(SkipRecorder.RECORDS_PARAMETER, this.records.toString())
			.selectors(selectClass(NeedsAMissingTool.class), selectClass(NeedsAMissingToolPerMethod.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.skipped(2).aborted(1).succeeded(0).failed(0));

		String report = report();
		assertThat(report).contains("SKIPPED")
			.contains("NeedsAMissingTool (2 tests): frobnicator is not installed")
			.contains("NeedsAMissingToolPerMethod (one()): gizmo is not installed");
		try (var left = Files.list(this.records)) {
			assertThat(left).as("records are cleared once printed").isEmpty();
		}
	}

	@Test
	void nothingIsPrintedWhenEveryTestRan() throws Exception {
		assertThat(report()).isEmpty();
	}

	@Test
	void onCiASkippedTestFailsTheBuild() throws Exception {
		Files.writeString(this.records.resolve("1.tsv"), "a.B\t[id]\tone()\thelm is not installed\n");
		PrintStream discard = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
		assertThatIllegalStateException().isThrownBy(() -> SkippedTestsReport.report(this.records, discard, true))
			.withMessage("1 tests did not run; CI must run every test");
	}

	private String report() throws Exception {
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		SkippedTestsReport.report(this.records, new PrintStream(printed, true, StandardCharsets.UTF_8), false);
		return printed.toString(StandardCharsets.UTF_8);
	}

	// samples, run only through EngineTestKit: no name ends in "Test", which Surefire
	// runs
	static class NeedsAMissingTool {

		static String tool;

		@BeforeAll
		static void findTool() {
			Assumptions.abort("frobnicator is not installed");
		}

		@BeforeAll
		static void useTool() {
			// fails only because the tool is missing: not an error of its own
			tool.length();
		}

		@Test
		void one() {
		}

		@Test
		void two() {
		}

	}

	static class NeedsAMissingToolPerMethod {

		@BeforeEach
		void findTool() {
			Assumptions.abort("gizmo is not installed");
		}

		@Test
		void one() {
		}

	}

}
