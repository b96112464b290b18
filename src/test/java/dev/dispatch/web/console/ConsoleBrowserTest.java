package dev.dispatch.web.console;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console in a real browser (headless Chromium) against the running service,
 * without credentials configured: it loads from {@code /}, shows every queue with the
 * API's numbers (paused, and the oldest ready job's age, among them), follows a put
 * without a reload, shows a queue's settings, pauses, resumes, purges and closes a queue
 * only once the operator confirms in its dialog, and looks a job up by its id on a page
 * of its own. A queue's page charts its last minutes, lists its jobs with a preview of
 * each payload and their times in the browser's time zone, and says when a queue has no
 * dead-letter queue. Each page is written to {@code target/console-screenshots/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "dispatch.history.interval=1s")
class ConsoleBrowserTest extends ConsoleBrowserTesting {

	private static final Pattern LEASE_ID = Pattern.compile("\"leaseId\":\"([^\"]+)\"");

	private static final Pattern AGE_IN_SECONDS = Pattern.compile("\\d+ s");

	@Test
	void theListShowsEveryQueueWithTheApisNumbers() throws Exception {
		// console.busy: 2 ready, 1 delayed, 1 in flight, full (capacity 3), one put
		// parked
		assertThat(send("PUT", "/v1/queues/console.busy", "{\"capacity\": 3}").statusCode()).isEqualTo(201);
		for (int i = 0; i < 3; i++) {
			assertThat(send("POST", "/v1/queues/console.busy/jobs", "{\"n\": " + i + "}").statusCode()).isEqualTo(201);
		}
		assertThat(send("POST", "/v1/queues/console.busy/leases?wait=0&lease=5m", null).statusCode()).isEqualTo(200);
		String lease = leaseId(send("POST", "/v1/queues/console.busy/leases?wait=0&lease=5m", null));
		assertThat(send("POST", "/v1/queues/console.busy/leases/" + lease + "/nack?delay=1h", null).statusCode())
			.isEqualTo(204);
		assertThat(send("POST", "/v1/queues/console.busy/jobs", "{\"n\": 3}").statusCode()).isEqualTo(201);
		CompletableFuture<HttpResponse<String>> parkedPut = sendAsync("POST", "/v1/queues/console.busy/jobs?wait=30s",
				"{\"n\": 4}");
		// console.idle: empty, one take parked
		assertThat(send("PUT", "/v1/queues/console.idle", "{}").statusCode()).isEqualTo(201);
		CompletableFuture<HttpResponse<String>> parkedTake = sendAsync("POST",
				"/v1/queues/console.idle/leases?wait=30s", null);
		// console.held: two jobs ready, delivery paused
		assertThat(send("PUT", "/v1/queues/console.held", "{}").statusCode()).isEqualTo(201);
		for (int i = 0; i < 2; i++) {
			assertThat(send("POST", "/v1/queues/console.held/jobs", "{\"n\": " + i + "}").statusCode()).isEqualTo(201);
		}
		assertThat(send("POST", "/v1/queues/console.held/pause", null).statusCode()).isEqualTo(200);
		try {
			chromium.driver().get(url("/"));
			chromium.await(ExpectedConditions.urlToBe(url("/console/")));
			awaitCell("console.busy", "waitingPutters", "1");
			awaitCell("console.idle", "waitingTakers", "1");
			awaitCell("console.held", "state", "open paused");

			assertThat(cell("console.busy", "name").getText()).isEqualTo("console.busy");
			assertThat(cell("console.busy", "state").getText()).isEqualTo("open");
			assertThat(cell("console.busy", "size").getText()).isEqualTo("2");
			assertThat(cell("console.busy", "delayed").getText()).isEqualTo("1");
			assertThat(cell("console.busy", "inFlight").getText()).isEqualTo("1");
			assertThat(cell("console.busy", "unfinished").getText()).isEqualTo("4");
			assertThat(cell("console.busy", "capacity").getText()).isEqualTo("3");
			assertThat(cell("console.busy", "waitingTakers").getText()).isEqualTo("0");
			assertThat(cell("console.busy", "fill").findElement(By.tagName("meter")).getDomProperty("value"))
				.isEqualTo("3");
			assertThat(cell("console.busy", "oldestReadyAt").getText()).matches(AGE_IN_SECONDS);
			assertThat(cell("console.idle", "size").getText()).isEqualTo("0");
			assertThat(cell("console.idle", "waitingPutters").getText()).isEqualTo("0");
			assertThat(cell("console.idle", "oldestReadyAt").getText()).isEqualTo("—");
			assertThat(cell("console.held", "size").getText()).isEqualTo("2");
			assertThat(cell("console.held", "oldestReadyAt").getText()).matches(AGE_IN_SECONDS);
			assertThat(chromium.driver().findElement(By.id("updated")).getText()).startsWith("Updated ");
			assertThat(chromium.driver().findElement(By.id("banner")).isDisplayed()).isFalse();
			chromium.screenshot("queues");
		}
		finally {
			// let the parked requests go: a take makes room for the put, a put feeds the
			// take
			send("POST", "/v1/queues/console.busy/leases?wait=0&ack=auto", null);
			send("POST", "/v1/queues/console.idle/jobs", "{\"n\": 0}");
			assertThat(parkedPut.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
			assertThat(parkedTake.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void theListFollowsAPutWithoutAReload() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.live", "{}").statusCode()).isEqualTo(201);
		chromium.driver().get(url("/console/"));
		awaitCell("console.live", "size", "0");
		chromium.script("window.consoleNotReloaded = true");

		assertThat(send("POST", "/v1/queues/console.live/jobs", "{\"hello\": 1}").statusCode()).isEqualTo(201);

		awaitCell("console.live", "size", "1");
		assertThat(cell("console.live", "unfinished").getText()).isEqualTo("1");
		assertThat(chromium.script("return window.consoleNotReloaded === true")).isEqualTo(true);
	}

	@Test
	void aQueuesPageShowsItsSettingsAndNumbers() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.settings",
				"{\"capacity\": 7, \"leaseTimeout\": \"2m\", \"maxAttempts\": 4, \"deadLetterQueue\": \"console.graveyard\"}")
			.statusCode()).isEqualTo(201);
		assertThat(send("POST", "/v1/queues/console.settings/jobs", "1").statusCode()).isEqualTo(201);
		chromium.driver().get(url("/console/"));
		chromium
			.await(ExpectedConditions
				.elementToBeClickable(By.cssSelector("tr[data-queue='console.settings'] td[data-field='name'] a")))
			.click();

		chromium.await(ExpectedConditions.textToBe(By.cssSelector("main h2"), "console.settings"));
		awaitField("capacity", "7");
		assertThat(field("leaseTimeout").getText()).isEqualTo("2 min");
		assertThat(field("maxAttempts").getText()).isEqualTo("4");
		assertThat(field("deadLetterQueue").getText()).isEqualTo("console.graveyard");
		assertThat(field("size").getText()).isEqualTo("1");
		assertThat(field("state").getText()).isEqualTo("open");
		assertThat(chromium.driver().getCurrentUrl()).endsWith("/console/#/queues/console.settings");
		assertThat(field("oldestReadyAt").getText()).matches(AGE_IN_SECONDS);
		assertThat(action("pause").isDisplayed()).isTrue();
		assertThat(action("resume").isDisplayed()).isFalse();
		assertThat(action("purge").isDisplayed()).isTrue();
		assertThat(action("close").isDisplayed()).isTrue();
		assertThat(action("close-immediately").isDisplayed()).isTrue();
		chromium.screenshot("queue");
	}

	@Test
	void pausingStopsDeliveryUntilResumed() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.brake", "{}").statusCode()).isEqualTo(201);
		assertThat(send("POST", "/v1/queues/console.brake/jobs", "{\"n\": 1}").statusCode()).isEqualTo(201);
		openQueuePage("console.brake");

		action("pause").click();
		chromium.await(ExpectedConditions.textToBe(By.id("confirm-title"), "Pause queue console.brake?"));
		assertThat(chromium.driver().findElement(By.id("confirm-text")).getText())
			.startsWith("Consumers get nothing from console.brake until you resume it");
		chromium.screenshot("pause-dialog");
		chromium.driver().findElement(By.id("confirm-ok")).click();
		chromium.await(ExpectedConditions.textToBe(By.id("outcome"),
				"Paused console.brake: consumers get nothing until you resume it."));
		assertThat(send("GET", "/v1/queues/console.brake", null).body()).contains("\"paused\":true");
		assertThat(send("POST", "/v1/queues/console.brake/leases?wait=0", null).statusCode()).isEqualTo(204);
		awaitField("state", "open paused");
		assertThat(action("pause").isDisplayed()).isFalse();
		chromium.screenshot("paused");

		action("resume").click();
		chromium.await(ExpectedConditions.textToBe(By.id("confirm-title"), "Resume queue console.brake?"));
		chromium.driver().findElement(By.id("confirm-ok")).click();
		chromium.await(
				ExpectedConditions.textToBe(By.id("outcome"), "Resumed console.brake: consumers receive jobs again."));
		HttpResponse<String> taken = send("POST", "/v1/queues/console.brake/leases?wait=0", null);
		assertThat(taken.statusCode()).isEqualTo(200);
		assertThat(taken.body()).contains("\"payload\":{\"n\": 1}");
		awaitField("state", "open");
		assertThat(action("pause").isDisplayed()).isTrue();
	}

	@Test
	void purgingAfterConfirmationThrowsReadyAndDelayedJobsAway() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.purge", "{}").statusCode()).isEqualTo(201);
		for (int i = 0; i < 3; i++) {
			assertThat(send("POST", "/v1/queues/console.purge/jobs", "{\"n\": " + i + "}").statusCode()).isEqualTo(201);
		}
		assertThat(send("POST", "/v1/queues/console.purge/jobs?delay=1h", "{\"n\": 3}").statusCode()).isEqualTo(201);
		leaseId(send("POST", "/v1/queues/console.purge/leases?wait=0&lease=5m", null));
		openQueuePage("console.purge");
		awaitField("inFlight", "1 (no limit)");

		action("purge").click();
		chromium.await(ExpectedConditions.textToBe(By.id("confirm-title"), "Purge queue console.purge?"));
		assertThat(chromium.driver().findElement(By.id("confirm-text")).getText())
			.startsWith("2 ready jobs and 1 delayed job (as of now) will be thrown away for good")
			.contains("Jobs in flight (1 now) stay with their consumers");
		assertThat(chromium.driver().findElement(By.id("confirm-ok")).getDomAttribute("class")).isEqualTo("danger");
		chromium.screenshot("purge-dialog");
		chromium.driver().findElement(By.id("confirm-ok")).click();

		chromium.await(ExpectedConditions.textToBe(By.id("outcome"), "Purged 3 jobs from console.purge."));
		assertThat(send("GET", "/v1/queues/console.purge", null).body()).contains("\"size\":0")
			.contains("\"delayed\":0")
			.contains("\"inFlight\":1")
			.contains("\"closed\":false");
		awaitField("size", "0");
		assertThat(field("oldestReadyAt").getText()).isEqualTo("—");
		assertThat(action("purge").isDisplayed()).isFalse();
		chromium.screenshot("purged");
	}

	@Test
	void redrivingSendsDeadLettersHomeAsManyAsThereIsRoomFor() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.home", "{\"capacity\": 2, \"maxAttempts\": 1}").statusCode())
			.isEqualTo(201);
		for (int i = 0; i < 3; i++) {
			assertThat(send("POST", "/v1/queues/console.home/jobs", "{\"n\": " + i + "}").statusCode()).isEqualTo(201);
			String lease = leaseId(send("POST", "/v1/queues/console.home/leases?wait=0", null));
			assertThat(send("POST", "/v1/queues/console.home/leases/" + lease + "/nack", null).statusCode())
				.isEqualTo(204);
		}
		chromium.driver().get(url("/console/#/queues/console.home.dead"));
		chromium.await(ExpectedConditions.textToBe(By.cssSelector("main h2"), "console.home.dead"));
		awaitField("size", "3");
		chromium.await(ExpectedConditions.visibilityOf(action("redrive")));

		action("redrive").click();
		chromium.await(
				ExpectedConditions.textToBe(By.id("confirm-title"), "Redrive the dead letters of console.home.dead?"));
		assertThat(chromium.driver().findElement(By.id("confirm-text")).getText())
			.startsWith("The 3 ready jobs here go back to the queue they failed in (console.home)");
		chromium.screenshot("redrive-dialog");
		chromium.driver().findElement(By.id("confirm-ok")).click();

		chromium.await(ExpectedConditions.textToBe(By.id("outcome"),
				"Redrove 2 jobs (2 to console.home); 1 job stays here: no room, or their queue is closed or gone."));
		assertThat(send("GET", "/v1/queues/console.home", null).body()).contains("\"size\":2");
		awaitField("size", "1");
		chromium.screenshot("redriven");
		openQueuePage("console.home");
		assertThat(action("redrive").isDisplayed()).as("not a dead-letter queue").isFalse();
	}

	@Test
	void aQueuesPageListsItsJobsByState() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.peek", "{}").statusCode()).isEqualTo(201);
		String first = jobId(send("POST", "/v1/queues/console.peek/jobs", "{\"n\": 1}"));
		String second = jobId(send("POST", "/v1/queues/console.peek/jobs", "{\"n\": 2}"));
		String later = jobId(send("POST", "/v1/queues/console.peek/jobs?delay=1h", "{\"n\": 3}"));
		leaseId(send("POST", "/v1/queues/console.peek/leases?wait=0&lease=5m", null));
		openQueuePage("console.peek");
		awaitOnlyJobListed(second);
		chromium.driver().findElement(By.cssSelector("#jobs button[data-state='delayed']")).click();
		awaitOnlyJobListed(later);
		chromium.driver().findElement(By.cssSelector("#jobs button[data-state='leased']")).click();
		awaitOnlyJobListed(first);
		chromium.script("document.getElementById('jobs').scrollIntoView()");
		chromium.screenshot("jobs");
		// a refresh may make the row again between finding and clicking it: try again
		// then
		chromium.await((driver) -> {
			try {
				driver.findElement(By.cssSelector("#jobs tbody tr a")).click();
				return true;
			}
			catch (StaleElementReferenceException ex) {
				return false;
			}
		});
		chromium.await(ExpectedConditions.urlContains("/jobs/" + first));
	}

	@Test
	void aQueuesPageChartsItsLastMinutes() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.charts", "{}").statusCode()).isEqualTo(201);
		for (int i = 0; i < 3; i++) {
			assertThat(send("POST", "/v1/queues/console.charts/jobs", "{\"n\": " + i + "}").statusCode())
				.isEqualTo(201);
		}
		String lease = leaseId(send("POST", "/v1/queues/console.charts/leases?wait=0", null));
		assertThat(send("POST", "/v1/queues/console.charts/leases/" + lease + "/ack", null).statusCode())
			.isEqualTo(204);
		openQueuePage("console.charts");

		// a sample a second (dispatch.history.interval): two make a line
		chromium.await((driver) -> Integer.parseInt(
				Objects.requireNonNullElse(driver.findElement(By.cssSelector("#history polyline[data-series='ready']"))
					.getDomAttribute("data-points"), "0")) >= 2);
		chromium.await(ExpectedConditions.textToBe(By.cssSelector("#history li[data-series='ready'] .value"), "2"));
		assertThat(chromium.driver().findElements(By.cssSelector("#history figcaption")))
			.extracting(WebElement::getText)
			.containsExactly("Jobs per second", "Jobs in the queue");
		assertThat(chromium.driver().findElements(By.cssSelector("#history svg polyline"))).hasSize(6);
		assertThat(chromium.driver().findElement(By.cssSelector("#history li[data-series='put']")).getText())
			.matches("put \\d+(\\.\\d)?/s");
		assertThat(chromium.driver().findElement(By.cssSelector("#history .chart .hint")).getText())
			.startsWith("The last ");
		chromium.script("document.getElementById('history').scrollIntoView()");
		chromium.screenshot("charts");

		JsonNode history = JSON.readTree(send("GET", "/v1/queues/console.charts/history", null).body());
		assertThat(history.path("interval").asString()).isEqualTo("PT1S");
		long put = 0;
		long acked = 0;
		for (JsonNode sample : history.path("samples")) {
			put += sample.path("put").asLong();
			acked += sample.path("acked").asLong();
		}
		assertThat(put).isEqualTo(3);
		assertThat(acked).isEqualTo(1);
	}

	@Test
	void aQueuesJobsShowAPreviewOfTheirPayloadAndLocalTimes() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.previews", "{}").statusCode()).isEqualTo(201);
		HttpResponse<String> exact = send("POST", "/v1/queues/console.previews/jobs",
				"{\"to\":\"ada@example.org\",\"n\":12345678901234567890,\"x\":1.0}");
		String exactId = jobId(exact);
		String longId = jobId(
				send("POST", "/v1/queues/console.previews/jobs", "{\"text\": \"" + "lorem ipsum ".repeat(20) + "\"}"));
		openQueuePage("console.previews");
		chromium.await((driver) -> driver.findElements(By.cssSelector("#jobs tbody tr")).size() == 2);

		assertThat(previewOf(exactId))
			.isEqualTo("{\"to\": \"ada@example.org\", \"n\": 12345678901234567890, \"x\": 1.0}");
		assertThat(previewOf(longId)).hasSize(80).startsWith("{\"text\": \"lorem ipsum lorem").endsWith("…");
		WebElement put = chromium.driver()
			.findElement(By.cssSelector("#jobs tr[data-job='" + exactId + "'] td[data-field='enqueuedAt'] time"));
		String enqueuedAt = JSON.readTree(exact.body()).path("enqueuedAt").asString();
		assertThat(put.getDomAttribute("title")).as("the API's instant, UTC").isEqualTo(enqueuedAt);
		assertThat(put.getText()).as("local time, and its age")
			.matches("\\d.* \\((now|\\d+ s ago)\\)")
			.doesNotContain(enqueuedAt);
		chromium.script("document.getElementById('jobs').scrollIntoView()");
		chromium.screenshot("job-previews");
	}

	@Test
	void aDeadLetterQueueMadeByItsFirstDeadLetterShowsNoneOfItsOwn() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.once", "{\"maxAttempts\": 1}").statusCode()).isEqualTo(201);
		jobId(send("POST", "/v1/queues/console.once/jobs", "1"));
		String lease = leaseId(send("POST", "/v1/queues/console.once/leases?wait=0", null));
		assertThat(send("POST", "/v1/queues/console.once/leases/" + lease + "/nack", null).statusCode()).isEqualTo(204);

		openQueuePage("console.once.dead");
		awaitField("deadLetterQueue", "none: jobs that fail their last attempt stay here");
		assertThat(chromium.driver().findElements(By.linkText("console.once.dead.dead"))).isEmpty();
		assertThat(send("GET", "/v1/queues/console.once.dead", null).body()).doesNotContain("deadLetterQueue");
	}

	/** The payload preview in the queue page's row of job {@code id}. */
	private String previewOf(String id) {
		return chromium.driver()
			.findElement(By.cssSelector("#jobs tr[data-job='" + id + "'] td[data-field='payload']"))
			.getText();
	}

	@Test
	void cancellingThePurgeDialogKeepsTheJobs() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.unpurged", "{}").statusCode()).isEqualTo(201);
		for (int i = 0; i < 2; i++) {
			assertThat(send("POST", "/v1/queues/console.unpurged/jobs", "{\"n\": " + i + "}").statusCode())
				.isEqualTo(201);
		}
		openQueuePage("console.unpurged");
		awaitField("size", "2");

		action("purge").click();
		chromium.await(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		chromium.driver().findElement(By.id("confirm-cancel")).click();
		chromium.await(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
		awaitNextRefresh();

		assertThat(send("GET", "/v1/queues/console.unpurged", null).body()).contains("\"size\":2");
		assertThat(field("size").getText()).isEqualTo("2");
		assertThat(chromium.driver().findElement(By.id("outcome")).isDisplayed()).isFalse();
	}

	@Test
	void lookingAJobUpShowsItsStateAndItsPayloadAsPut() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.jobs", "{}").statusCode()).isEqualTo(201);
		String payload = "{\"order\": 12345678901234567890, \"price\": 1.0, \"note\": \"<b>not bold</b>\","
				+ " \"2\": [], \"1\": {\"tags\": [\"a\", \"b\"]}}";
		String id = jobId(send("POST", "/v1/queues/console.jobs/jobs", payload));
		openQueuePage("console.jobs");

		chromium.driver().findElement(By.id("job-id")).sendKeys(id);
		chromium.driver().findElement(By.cssSelector("form.lookup button[type='submit']")).click();

		chromium.await(ExpectedConditions.urlToBe(url("/console/#/queues/console.jobs/jobs/" + id)));
		chromium.await(ExpectedConditions.textToBe(By.cssSelector("main h2"), "Job " + id));
		awaitField("state", "ready");
		assertThat(field("attempt").getText()).isEqualTo("0");
		assertThat(field("enqueuedAt").getText()).matches(".+ \\((now|\\d+ s ago)\\)");
		assertThat(field("readyAt").isDisplayed()).isFalse();
		assertThat(field("leaseExpiresAt").isDisplayed()).isFalse();
		assertThat(field("deadLetter").isDisplayed()).isFalse();
		WebElement shown = chromium.driver().findElement(By.id("payload"));
		// as put: the long number whole, 1.0 with its zero, the keys in their order
		assertThat(shown.getDomProperty("textContent")).isEqualTo("""
				{
				  "order": 12345678901234567890,
				  "price": 1.0,
				  "note": "<b>not bold</b>",
				  "2": [],
				  "1": {
				    "tags": [
				      "a",
				      "b"
				    ]
				  }
				}""");
		assertThat(shown.findElements(By.tagName("b"))).isEmpty();
		chromium.screenshot("job");

		chromium.driver().findElement(By.linkText("← Queue console.jobs")).click();
		chromium.await(ExpectedConditions.textToBe(By.cssSelector("main h2"), "console.jobs"));
		chromium.await(ExpectedConditions.elementToBeClickable(By.id("job-id"))).sendKeys("no-such-job");
		chromium.driver().findElement(By.cssSelector("form.lookup button[type='submit']")).click();

		chromium.await(ExpectedConditions.textToBePresentInElementLocated(By.id("job-missing"),
				"queue 'console.jobs' holds no job 'no-such-job'"));
		assertThat(chromium.driver()
			.findElement(By.linkText("Look it up in the dead-letter queue console.jobs.dead"))
			.getDomAttribute("href")).isEqualTo("#/queues/console.jobs.dead/jobs/no-such-job");
		assertThat(chromium.driver().findElement(By.id("banner")).isDisplayed()).isFalse();
		chromium.screenshot("job-not-found");
	}

	@Test
	void aJobsPageLoadsFromItsAddress() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.failing", "{\"maxAttempts\": 1}").statusCode()).isEqualTo(201);
		String failed = jobId(send("POST", "/v1/queues/console.failing/jobs", "{\"task\": \"resize\"}"));
		String lease = leaseId(send("POST", "/v1/queues/console.failing/leases?wait=0", null));
		assertThat(send("POST", "/v1/queues/console.failing/leases/" + lease + "/nack", null).statusCode())
			.isEqualTo(204);
		String leased = jobId(send("POST", "/v1/queues/console.failing/jobs", "{\"task\": \"crop\"}"));
		leaseId(send("POST", "/v1/queues/console.failing/leases?wait=0&lease=5m", null));

		chromium.driver().get(url("/console/#/queues/console.failing.dead/jobs/" + failed));
		awaitField("deadLetter", "console.failing (max-attempts, after 1 attempt)");
		assertThat(field("state").getText()).isEqualTo("ready");
		assertThat(field("deadLetter").findElement(By.tagName("a")).getDomAttribute("href"))
			.isEqualTo("#/queues/console.failing");
		assertThat(chromium.driver().findElement(By.linkText("← Queue console.failing.dead")).getDomAttribute("href"))
			.isEqualTo("#/queues/console.failing.dead");

		chromium.driver().get(url("/console/#/queues/console.failing/jobs/" + leased));
		awaitField("state", "leased");
		assertThat(field("attempt").getText()).isEqualTo("1");
		assertThat(field("leaseExpiresAt").getText()).matches(".+ \\(in [45] min\\)");
		assertThat(chromium.driver().findElement(By.id("payload")).getDomProperty("textContent"))
			.isEqualTo("{\n  \"task\": \"crop\"\n}");
	}

	@Test
	void cancellingTheCloseDialogLeavesTheQueueOpen() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.kept", "{}").statusCode()).isEqualTo(201);
		openQueuePage("console.kept");

		action("close").click();
		WebElement dialog = chromium.await(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		assertThat(dialog.findElement(By.id("confirm-title")).getText()).isEqualTo("Close queue console.kept?");
		chromium.screenshot("close-dialog");
		chromium.driver().findElement(By.id("confirm-cancel")).click();
		chromium.await(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
		awaitNextRefresh();

		assertThat(send("GET", "/v1/queues/console.kept", null).body()).contains("\"closed\":false");
		assertThat(field("state").getText()).isEqualTo("open");
		assertThat(chromium.driver().findElement(By.id("outcome")).isDisplayed()).isFalse();
	}

	@Test
	void closingAfterConfirmationClosesTheQueueGracefullyThenImmediately() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.closing", "{}").statusCode()).isEqualTo(201);
		for (int i = 0; i < 2; i++) {
			assertThat(send("POST", "/v1/queues/console.closing/jobs", "{\"n\": " + i + "}").statusCode())
				.isEqualTo(201);
		}
		openQueuePage("console.closing");

		action("close").click();
		chromium.await(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		chromium.driver().findElement(By.id("confirm-ok")).click();
		chromium.await(ExpectedConditions.textToBePresentInElementLocated(By.id("outcome"),
				"Closed console.closing: no job is accepted any more"));
		assertThat(send("GET", "/v1/queues/console.closing", null).body()).contains("\"closed\":true")
			.contains("\"size\":2");
		awaitField("state", "closed");
		assertThat(action("close").isDisplayed()).isFalse();

		action("close-immediately").click();
		chromium.await(ExpectedConditions.textToBe(By.id("confirm-title"), "Close queue console.closing immediately?"));
		assertThat(chromium.driver().findElement(By.id("confirm-ok")).getDomAttribute("class")).isEqualTo("danger");
		chromium.driver().findElement(By.id("confirm-ok")).click();
		chromium.await(ExpectedConditions.textToBePresentInElementLocated(By.id("outcome"),
				"2 jobs moved to the dead-letter queue console.closing.dead"));
		awaitField("state", "drained");
		assertThat(send("GET", "/v1/queues/console.closing.dead", null).body()).contains("\"size\":2");
		chromium.screenshot("closed");
	}

	// ---- helpers

	/**
	 * Waits until the queue page lists exactly the job {@code id}; the list may be made
	 * again by a refresh while it is read, which counts as not yet.
	 */
	private void awaitOnlyJobListed(String id) {
		chromium.await((driver) -> {
			try {
				List<WebElement> rows = driver.findElements(By.cssSelector("#jobs tbody tr"));
				return rows.size() == 1 && id.equals(rows.getFirst().getDomAttribute("data-job"));
			}
			catch (StaleElementReferenceException ex) {
				return false;
			}
		});
	}

	/** Waits until the page has been read again from the API. */
	private void awaitNextRefresh() {
		String before = chromium.driver().findElement(By.id("updated")).getDomProperty("dateTime");
		chromium.await((driver) -> !before.equals(driver.findElement(By.id("updated")).getDomProperty("dateTime")));
	}

	private WebElement cell(String queue, String field) {
		return chromium.driver().findElement(cellAt(queue, field));
	}

	private static By cellAt(String queue, String field) {
		return By.cssSelector("tr[data-queue='" + queue + "'] td[data-field='" + field + "']");
	}

	private void awaitCell(String queue, String field, String text) {
		chromium.await(ExpectedConditions.textToBe(cellAt(queue, field), text));
	}

	private WebElement action(String id) {
		return chromium.driver().findElement(By.cssSelector("button[data-action='" + id + "']"));
	}

	private static String leaseId(HttpResponse<String> taken) {
		assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
		Matcher matcher = LEASE_ID.matcher(taken.body());
		assertThat(matcher.find()).as(taken.body()).isTrue();
		return matcher.group(1);
	}

}
