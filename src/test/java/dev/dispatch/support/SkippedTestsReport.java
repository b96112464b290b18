package dev.dispatch.support;

import java.io.IOException;
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
 * nothing when every test ran.
 */
public final class SkippedTestsReport {

	private SkippedTestsReport() {
	}

	public static void main(String[] args) throws IOException {
		Path records = (args.length > 0) ? Path.of(args[0]) : SkipRecorder.RECORDS;
		if (!Files.isDirectory(records)) {
			return;
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
		for (String line : lines) {
			String[] fields = line.split("\t", 4); // class, unique id, display name,
													// reason
			if (fields.length == 4) {
				skipped.computeIfAbsent(fields[0], (key) -> new LinkedHashMap<>())
					.computeIfAbsent(fields[3], (key) -> new LinkedHashMap<>())
					.putIfAbsent(fields[1], fields[2]);
			}
		}
		if (skipped.isEmpty()) {
			return;
		}
		System.out.println();
		System.out.println("SKIPPED — these tests did not run here (CI runs them all):");
		skipped.forEach((owner, reasons) -> reasons.forEach((reason, what) -> System.out
			.println("  " + owner.substring(owner.lastIndexOf('.') + 1) + " (" + describe(what) + "): " + reason)));
		System.out.println();
	}

	private static String describe(Map<String, String> tests) {
		return (tests.size() == 1) ? tests.values().iterator().next() : tests.size() + " tests";
	}

}
