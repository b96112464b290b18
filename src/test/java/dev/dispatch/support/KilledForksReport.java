package dev.dispatch.support;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Prints, at the end of {@code ./mvnw verify}, the threads of every test JVM that did not
 * exit within 30 s of its {@code System.exit} and that Surefire or Failsafe then killed
 * ("Surefire is going to kill self fork JVM"). They write the thread dump only to a
 * {@code .dump} file among their reports, which a CI run's log never shows; this puts it
 * where the build's output is read, so that whatever held the JVM is named the first time
 * it happens. Prints nothing when every test JVM exited in time.
 */
public final class KilledForksReport {

	/** What Surefire writes before the threads of a JVM it is about to kill. */
	static final String THREAD_DUMP = "Thread dump for process";

	private KilledForksReport() {
	}

	/**
	 * @param args the report directories to look in (Surefire's, Failsafe's); missing
	 * ones are passed over
	 */
	public static void main(String[] args) throws IOException {
		report(Stream.of(args).map(Path::of).toList(), System.out);
	}

	/**
	 * @return how many killed JVMs were reported
	 */
	static int report(List<Path> reportDirectories, PrintStream out) throws IOException {
		List<Path> dumps = new ArrayList<>();
		for (Path directory : reportDirectories) {
			if (Files.isDirectory(directory)) {
				try (Stream<Path> files = Files.list(directory)) {
					files.filter((file) -> file.getFileName().toString().endsWith(".dump"))
						.sorted()
						.forEach(dumps::add);
				}
			}
		}
		int killed = 0;
		for (Path dump : dumps) {
			String text = Files.readString(dump, StandardCharsets.UTF_8);
			int at = text.indexOf(THREAD_DUMP);
			if (at < 0) {
				continue;
			}
			killed++;
			out.println();
			out.println(
					"A TEST JVM DID NOT EXIT within 30 s of System.exit and was killed (" + dump + "); its threads:");
			text.substring(at).lines().forEach((line) -> out.println("  " + line));
		}
		if (killed > 0) {
			out.println();
		}
		return killed;
	}

}
