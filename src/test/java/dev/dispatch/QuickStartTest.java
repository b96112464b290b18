package dev.dispatch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.support.ExternalTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's quick start, in its own words: the {@code sh} blocks marked {@value #MARK}
 * are read out of README.md and typed into one shell, as into a terminal, against the
 * service on a free loopback port (the only change: that port for 8080). Run in order,
 * then again, each does what the README says; and the obvious next steps — a take before
 * any put, a take on an empty queue, an ack with no job taken, an ack of a lease already
 * acked — each answer a sentence, never a traceback or a request to {@code /leases//ack}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		// waits are cut to 1 s, so that a take on an empty queue does not keep the test 5
		// s
		properties = { "server.address=127.0.0.1", "dispatch.http.max-wait=1s", "dispatch.http.default-wait=1s" })
class QuickStartTest {

	/** What marks a block of README.md as part of the quick start. */
	static final String MARK = "<!-- tested: QuickStartTest";

	private static final Pattern MARKED_BLOCK = Pattern.compile(Pattern.quote(MARK) + "[^\\n]*-->\\n```sh\\n(.*?)```",
			Pattern.DOTALL);

	private static final String DONE = "quick-start-test: block done";

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	private Process shell;

	private BlockingQueue<String> printed;

	@BeforeEach
	void openTerminal() throws IOException {
		Path curl = ExternalTool.require("curl", "Debian: apt-get install curl");
		Path python = ExternalTool.require("python3", "Debian: apt-get install python3");
		ProcessBuilder terminal = new ProcessBuilder("sh", "-s").redirectErrorStream(true);
		terminal.environment()
			.put("PATH", curl.getParent() + ":" + python.getParent() + ":" + terminal.environment().get("PATH"));
		this.shell = terminal.start();
		this.printed = new LinkedBlockingQueue<>();
		Thread.ofVirtual().start(() -> {
			try (BufferedReader lines = this.shell.inputReader(StandardCharsets.UTF_8)) {
				lines.lines().forEach(this.printed::add);
			}
			catch (IOException ex) {
				this.printed.add("(terminal output lost: " + ex + ")");
			}
		});
	}

	@AfterEach
	void closeTerminal() throws InterruptedException {
		this.shell.destroy();
		this.shell.waitFor(10, TimeUnit.SECONDS);
	}

	@Test
	void everyCommandRunInOrderAndAgainDoesWhatTheReadmeSays() throws Exception {
		List<String> blocks = quickStart();
		assertThat(blocks).as("marked blocks of README.md").hasSize(4);
		String put = blocks.get(0);
		String take = blocks.get(1);
		String ack = blocks.get(2);
		String autoAck = blocks.get(3);
		assertThat(put).contains("/v1/queues/hello/jobs");
		assertThat(take).contains("LEASE_ID=", "/v1/queues/hello/leases");
		assertThat(ack).contains("/ack");
		assertThat(autoAck).contains("ack=auto");

		// the obvious first mistake: a take before anything was put
		assertThat(type(take)).contains("no job: no queue named 'hello'");
		assertThat(type(ack)).contains("no lease to ack: take a job first");

		for (int round = 1; round <= 2; round++) {
			String id = jobId(type(put));
			assertThat(type(take)).contains("took job " + id + " {\"n\": 1}");
			assertThat(type(ack)).contains("HTTP/1.1 204 No Content");
			assertThat(type(autoAck)).contains("HTTP/1.1 200 OK", "\"payload\":{\"n\": 2}");
			assertThat(this.registry.require("hello").snapshot().join().unfinished()).as("round %d", round).isZero();
		}

		// and the obvious next steps
		assertThat(type(ack)).as("the same lease acked again").contains("HTTP/1.1 410", "is not held any more");
		assertThat(type(take)).contains("no job came within 5 s: the queue is empty");
		assertThat(type(ack)).contains("no lease to ack: take a job first");
	}

	/** The marked {@code sh} blocks of README.md, in order. */
	private static List<String> quickStart() throws IOException {
		Matcher block = MARKED_BLOCK.matcher(Files.readString(Path.of("README.md")));
		List<String> blocks = new ArrayList<>();
		while (block.find()) {
			blocks.add(block.group(1));
		}
		return blocks;
	}

	/**
	 * Types {@code block} into the shell, with the service's port for 8080, and returns
	 * what it printed. Never a traceback, never an empty lease id.
	 */
	private String type(String block) throws Exception {
		Writer keyboard = this.shell.outputWriter(StandardCharsets.UTF_8);
		keyboard.write(block.replace("localhost:8080", "localhost:" + this.port));
		// on a line of its own, whether or not the block's last answer ended its line
		keyboard.write("\nprintf '\\n%s\\n' '" + DONE + "'\n");
		keyboard.flush();
		StringBuilder output = new StringBuilder();
		for (String line = next(); !line.equals(DONE); line = next()) {
			output.append(line).append('\n');
		}
		assertThat(output).as(block).doesNotContain("Traceback", "//ack");
		return output.toString();
	}

	private String next() throws InterruptedException {
		String line = this.printed.poll(30, TimeUnit.SECONDS);
		assertThat(line).as("the shell printed something within 30 s").isNotNull();
		return line;
	}

	private static String jobId(String putAnswer) {
		Matcher id = Pattern.compile("\\{\"id\":\"([^\"]+)\",\"queue\":\"hello\"").matcher(putAnswer);
		assertThat(id.find()).as(putAnswer).isTrue();
		return id.group(1);
	}

}
