package dev.dispatch.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/**
 * Makes every test that cannot run count as skipped, and writes down why, for
 * {@link SkippedTestsReport} to print at the end of the build. Surefire counts a class
 * whose {@code @BeforeAll} aborted (a tool missing, see {@link ExternalTool}) as "Tests
 * run: 0, Skipped: 0", and prints no reason for any skip. So an abort in
 * {@code @BeforeAll} is kept as the class's reason (later {@code @BeforeAll} failures of
 * that class are then consequences, not errors) and each of its tests is disabled with
 * it. Registered for every test through {@code META-INF/services} (JUnit's extension
 * autodetection is on for this project).
 */
public final class SkipRecorder implements TestWatcher, LifecycleMethodExecutionExceptionHandler, ExecutionCondition {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SkipRecorder.class);

	private static final String REASON = "reason";

	/**
	 * Where the records go, one file per test JVM: {@code target/skipped-tests}, unless
	 * the configuration parameter {@value #RECORDS_PARAMETER} names another directory.
	 */
	static final Path RECORDS = Path.of("target", "skipped-tests");

	static final String RECORDS_PARAMETER = "dispatch.skipped-tests.dir";

	@Override
	public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
			throws Throwable {
		ExtensionContext.Store store = context.getStore(NAMESPACE);
		if (store.get(REASON, String.class) != null) {
			return;
		}
		if (throwable instanceof TestAbortedException aborted) {
			store.put(REASON, (aborted.getMessage() != null) ? aborted.getMessage() : "aborted");
			return;
		}
		throw throwable;
	}

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		// the store answers from the enclosing class's too
		String reason = context.getStore(NAMESPACE).get(REASON, String.class);
		return (reason != null) ? ConditionEvaluationResult.disabled(reason) : ConditionEvaluationResult.enabled("");
	}

	@Override
	public void testAborted(ExtensionContext context, Throwable cause) {
		record(context, context.getDisplayName(), (cause != null) ? cause.getMessage() : null);
	}

	@Override
	public void testDisabled(ExtensionContext context, Optional<String> reason) {
		record(context, context.getDisplayName(), reason.orElse(null));
	}

	private static void record(ExtensionContext context, String what, String reason) {
		String owner = context.getTestClass().map(Class::getName).orElse(context.getUniqueId());
		String line = String.join("\t", owner, clean(context.getUniqueId()), clean(what),
				clean((reason != null) ? reason : "no reason given"));
		Path records = context.getConfigurationParameter(RECORDS_PARAMETER).map(Path::of).orElse(RECORDS);
		try {
			Files.createDirectories(records);
			Files.writeString(records.resolve(ProcessHandle.current().pid() + ".tsv"), line + "\n",
					StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not record a skipped test", ex);
		}
	}

	private static String clean(String text) {
		return text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
	}

}
