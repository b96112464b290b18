package dev.dispatch.support;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Prints the tests that did not run, each class once with its reasons, at the end of
 * {@code ./mvnw verify} (run by the build, in Maven's own process, so that it reaches the
 * console that test output does not), then clears the records for the next build. Prints
 * nothing when every test ran; on CI (the {@code CI} variable set), a skipped test fails
 * the build.
 */
public final class SkippedTestsReport {

	private SkippedTestsReport() {
	}

	public static void main(String[] args) throws IOException {
		Path records = (args.length > 0) ? Path.of(args[0]) : SkipRecorder.RECORDS;
		String ci = System.getenv("CI");
		report(records, System.out, ci != null && !ci.isBlank());
	}

	/**
	 * Prints the skipped tests recorded under {@code records} and deletes the records.
	 * @param mustRunAll whether a skipped test fails the build (on CI)
	 * @return how many tests were skipped
	 * @throws IllegalStateException if a test was skipped and {@code mustRunAll}
	 */
	static int report(Path records, PrintStream out, boolean mustRunAll) throws IOException {
		if (!Files.isDirectory(records)) {
			return 0;
		}
		List<String> lines = new ArrayList<>();
		try (Stream<Path> files = Files.list(records)) {
			for (Path file : files.sorted().toList()) {
				lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
				Files.delete(file);
			}
		}
		// class -> reason -> unique id -> display name (a test run twice counts once)
		Map<String, Map<String, Map<String, String>>> skipped = new LinkedHashMap<>();
		int count = 0;
		for (String line : lines) {
			// class, unique id, display name, reason
			String[] fields = line.split("\t", 4);
			if (fields.length == 4 && skipped.computeIfAbsent(fields[0], (key) -> new LinkedHashMap<>())
				.computeIfAbsent(fields[3], (key) -> new LinkedHashMap<>())
				.putIfAbsent(fields[1], fields[2]) == null) {
				count++;
			}
		}
		if (count == 0) {
			return 0;
		}
		out.println();
		out.println("SKIPPED — these tests did not run here (CI runs them all):");
		skipped.forEach((owner, reasons) -> reasons.forEach((reason, what) -> out
			.println("  " + owner.substring(owner.lastIndexOf('.') + 1) + " (" + describe(what) + "): " + reason)));
		out.println();
		if (mustRunAll) {
			throw new IllegalStateException(count + " tests did not run; CI must run every test");
		}
		return count;
	}

	private static String describe(Map<String, String> tests) {
		return (tests.size() == 1) ? tests.values().iterator().next() : tests.size() + " tests";
	}

}
