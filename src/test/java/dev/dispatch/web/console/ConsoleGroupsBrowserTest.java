package dev.dispatch.web.console;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console's view of fairness groups and the in-flight limit, in a real browser
 * against the running service: a queue's page shows how many groups have ready jobs and
 * the largest of them with their counts (the default group as "(default)", a group's name
 * as text whatever it holds), its jobs' priority and group, its leases in flight against
 * its limit (on the list too), the takes its limits hold back, and changes the limit live
 * through the API, showing the API's own words when it refuses a value.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleGroupsBrowserTest extends ConsoleBrowserTesting {

	/** A group name a page that wrote markup would run or render. */
	private static final String MARKUP = "<b>bold</b> & <script>window.injected = 1</script>";

	@Test
	void aQueuesPageShowsItsGroupsWithReadyJobsAndTheirCounts() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.tenants", "{}").statusCode()).isEqualTo(201);
		for (int i = 0; i < 3; i++) {
			put("console.tenants", "group=tenant-a", "{\"n\": " + i + "}");
		}
		for (int i = 0; i < 2; i++) {
			put("console.tenants", "group=tenant-b", "{\"n\": " + i + "}");
		}
		String urgent = put("console.tenants", "priority=9", "{\"urgent\": true}");
		String marked = put("console.tenants", "group=" + URLEncoder.encode(MARKUP, StandardCharsets.UTF_8), "1");
		// a delayed job's group has no ready job: not counted
		put("console.tenants", "group=tenant-c&delay=1h", "2");

		openQueuePage("console.tenants");
		chromium.await(ExpectedConditions.textToBe(By.id("groups-count"), "4 groups have ready jobs."));

		// the largest first; the two of one job each in either order
		assertThat(groupsShown()).containsExactlyInAnyOrderEntriesOf(
				Map.of("tenant-a", "3", "tenant-b", "2", "(default)", "1", MARKUP, "1"));
		assertThat(groupsShown().keySet()).startsWith("tenant-a", "tenant-b");
		WebElement defaultGroup = chromium.driver()
			.findElement(By.cssSelector("#groups tr[data-group=''] td[data-field='group'] span"));
		assertThat(defaultGroup.getDomAttribute("class")).isEqualTo("default-group");
		assertThat(chromium.driver().findElements(By.cssSelector("#groups b, #groups script"))).isEmpty();
		assertThat(chromium.script("return window.injected === undefined")).isEqualTo(true);
		assertThat(chromium.driver().findElement(By.id("groups-more")).isDisplayed()).as("every group listed")
			.isFalse();
		chromium.script("document.getElementById('groups').scrollIntoView()");
		chromium.screenshot("groups");

		WebElement urgentRow = chromium
			.await(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#jobs tr[data-job='" + urgent + "']")));
		assertThat(urgentRow.findElement(By.cssSelector("td[data-field='priority']")).getText()).isEqualTo("9");
		assertThat(urgentRow.findElement(By.cssSelector("td[data-field='group']")).getText()).isEqualTo("(default)");
		WebElement markedRow = chromium.driver().findElement(By.cssSelector("#jobs tr[data-job='" + marked + "']"));
		assertThat(markedRow.findElement(By.cssSelector("td[data-field='priority']")).getText()).isEqualTo("5");
		assertThat(markedRow.findElement(By.cssSelector("td[data-field='group']")).getText()).isEqualTo(MARKUP);
		assertThat(chromium.driver().findElements(By.cssSelector("#jobs b, #jobs script"))).isEmpty();

		chromium.driver().get(url("/console/#/queues/console.tenants/jobs/" + marked));
		awaitField("group", MARKUP);
		assertThat(field("priority").getText()).isEqualTo("5");
		assertThat(chromium.driver().findElements(By.cssSelector("main b, main script"))).isEmpty();
		assertThat(chromium.script("return window.injected === undefined")).isEqualTo(true);
	}

	@Test
	void aQueueWithNothingReadySaysNoGroupIsWaiting() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.nogroups", "{}").statusCode()).isEqualTo(201);
		put("console.nogroups", "group=later&delay=1h", "1");

		openQueuePage("console.nogroups");

		chromium.await(ExpectedConditions.textToBe(By.id("groups-count"), "No job is ready, so no group is waiting."));
		assertThat(chromium.driver().findElement(By.cssSelector("#groups table")).isDisplayed()).isFalse();
		assertThat(field("inFlight").getText()).isEqualTo("0 (no limit)");
		assertThat(field("maxInFlight").getText()).isEqualTo("no limit");
		assertThat(field("maxLeasesPerSecond").getText()).isEqualTo("no limit");
		assertThat(field("maxInFlightPerGroup").getText()).isEqualTo("no limit");
		assertThat(field("heldByLimit").isDisplayed()).as("no limit, nothing held").isFalse();
		assertThat(field("heldByGroupLimit").isDisplayed()).as("no limit per group, nothing held").isFalse();
	}

	@Test
	void aQueueWithMoreGroupsThanListedSaysHowManyItShows() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.crowd", "{}").statusCode()).isEqualTo(201);
		for (int i = 0; i < 12; i++) {
			put("console.crowd", "group=tenant-" + i, "{\"n\": " + i + "}");
		}
		put("console.crowd", "group=tenant-0", "1");

		openQueuePage("console.crowd");

		chromium.await(ExpectedConditions.textToBe(By.id("groups-count"), "12 groups have ready jobs."));
		chromium.await(ExpectedConditions.textToBe(By.id("groups-more"), "The 10 with the most ready jobs, of 12."));
		assertThat(groupsShown()).hasSize(10).containsEntry("tenant-0", "2");
		assertThat(groupsShown().keySet()).first().isEqualTo("tenant-0");
	}

	@Test
	void changingTheLimitInThePageChangesItInTheApi() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.limited", "{}").statusCode()).isEqualTo(201);
		for (int i = 0; i < 3; i++) {
			put("console.limited", "", "{\"n\": " + i + "}");
		}
		assertThat(send("POST", "/v1/queues/console.limited/leases?wait=0&max=2&lease=5m", null).statusCode())
			.isEqualTo(200);
		openQueuePage("console.limited");
		awaitField("inFlight", "2 (no limit)");

		setLimit("2");

		chromium.await(ExpectedConditions.textToBe(By.id("limit-outcome"),
				"console.limited now holds at most 2 leases at once (2 in flight now)."));
		assertThat(chromium.driver().findElement(By.id("limit-outcome")).getDomAttribute("class"))
			.isEqualTo("outcome done");
		assertThat(JSON.readTree(send("GET", "/v1/queues/console.limited", null).body()).path("maxInFlight").asInt())
			.isEqualTo(2);
		awaitField("inFlight", "2 / 2");
		assertThat(field("inFlight").findElement(By.tagName("span")).getDomAttribute("class")).isEqualTo("at-limit");
		assertThat(field("maxInFlight").getText()).isEqualTo("2");
		assertThat(chromium.driver().findElement(By.id("limit-input")).getDomProperty("value")).isEmpty();

		// a take now waits for a lease to end, although a job is ready
		CompletableFuture<HttpResponse<String>> held = sendAsync("POST", "/v1/queues/console.limited/leases?wait=30s",
				null);
		try {
			awaitField("heldByLimit", "1");
			chromium.screenshot("limit");
			chromium.driver().get(url("/console/"));
			chromium.await(ExpectedConditions
				.textToBe(By.cssSelector("tr[data-queue='console.limited'] td[data-field='inFlight']"), "2 / 2"));
			openQueuePage("console.limited");

			setLimit("0");

			chromium.await(
					ExpectedConditions.textToBe(By.id("limit-outcome"), "console.limited has no in-flight limit now."));
			assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).as("the held take is served").isEqualTo(200);
			assertThat(send("GET", "/v1/queues/console.limited", null).body()).doesNotContain("maxInFlight");
			awaitField("maxInFlight", "no limit");
			awaitField("inFlight", "3 (no limit)");
		}
		finally {
			send("PUT", "/v1/queues/console.limited", "{\"maxInFlight\": 0}");
			held.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void takesHeldBackByTheLimitPerGroupAreCounted() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.pergroup", "{\"maxInFlightPerGroup\": 1}").statusCode())
			.isEqualTo(201);
		put("console.pergroup", "group=tenant-a", "1");
		put("console.pergroup", "group=tenant-a", "2");
		HttpResponse<String> taken = send("POST", "/v1/queues/console.pergroup/leases?wait=0&max=2&lease=5m", null);
		assertThat(taken.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(taken.body()).size()).as("one lease of tenant-a at a time").isEqualTo(1);
		String lease = JSON.readTree(taken.body()).get(0).path("leaseId").asString();
		openQueuePage("console.pergroup");
		awaitField("maxInFlightPerGroup", "1");
		assertThat(field("heldByGroupLimit").getText()).isEqualTo("0");

		// a take now waits for tenant-a's lease to end, although its second job is ready
		CompletableFuture<HttpResponse<String>> held = sendAsync("POST", "/v1/queues/console.pergroup/leases?wait=30s",
				null);
		try {
			awaitField("heldByGroupLimit", "1");
			assertThat(field("heldByLimit").isDisplayed()).as("no in-flight limit").isFalse();
			chromium.screenshot("group-limit");
			assertThat(send("POST", "/v1/queues/console.pergroup/leases/" + lease + "/ack", null).statusCode())
				.isEqualTo(204);
			assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).as("the held take is served").isEqualTo(200);
			awaitField("heldByGroupLimit", "0");
		}
		finally {
			send("PUT", "/v1/queues/console.pergroup", "{\"maxInFlightPerGroup\": 0}");
			held.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void aBadLimitShowsTheApisMessageAndChangesNothing() throws Exception {
		assertThat(send("PUT", "/v1/queues/console.badlimit",
				"{\"maxInFlight\": 5, \"maxLeasesPerSecond\": 50, \"maxInFlightPerGroup\": 3}")
			.statusCode()).isEqualTo(201);
		openQueuePage("console.badlimit");
		awaitField("maxInFlight", "5");
		assertThat(field("maxLeasesPerSecond").getText()).isEqualTo("50");
		assertThat(field("maxInFlightPerGroup").getText()).isEqualTo("3");
		assertThat(field("heldByGroupLimit").getText()).as("nothing ready, nothing held").isEqualTo("0");

		for (String typed : new String[] { "1.5", "many", "99999999999", "-1" }) {
			HttpResponse<String> refusal = send("PUT", "/v1/queues/console.badlimit",
					"{\"maxInFlight\": " + (typed.equals("many") ? "\"many\"" : typed) + "}");
			assertThat(refusal.statusCode()).as(typed).isEqualTo(400);
			String detail = JSON.readTree(refusal.body()).path("detail").asString();

			setLimit(typed);

			chromium.await(ExpectedConditions.textToBe(By.id("limit-outcome"), "Invalid request (400): " + detail));
			assertThat(chromium.driver().findElement(By.id("limit-outcome")).getDomAttribute("class")).as(typed)
				.isEqualTo("outcome failed");
			assertThat(chromium.driver().findElement(By.id("limit-input")).getDomProperty("value")).as("kept to fix")
				.isEqualTo(typed);
		}
		assertThat(chromium.driver().findElement(By.id("limit-outcome")).getText())
			.isEqualTo("Invalid request (400): 'maxInFlight' must be 0 for no limit, or a whole number from 1 to"
					+ " 2147483647; got -1");
		chromium.screenshot("limit-refused");
		assertThat(JSON.readTree(send("GET", "/v1/queues/console.badlimit", null).body()).path("maxInFlight").asInt())
			.isEqualTo(5);
		assertThat(field("maxInFlight").getText()).isEqualTo("5");
	}

	// ---- helpers

	/**
	 * The largest groups as the page lists them: each group's name, as shown, and its
	 * ready jobs.
	 */
	private Map<String, String> groupsShown() {
		Map<String, String> shown = new LinkedHashMap<>();
		for (WebElement row : chromium.driver().findElements(By.cssSelector("#groups tbody tr"))) {
			shown.put(row.findElement(By.cssSelector("td[data-field='group']")).getText(),
					row.findElement(By.cssSelector("td[data-field='ready']")).getText());
		}
		return shown;
	}

	/**
	 * Types a limit and sends it; the outcome of the last one is cleared first, so that
	 * an answer in the same words is seen coming again.
	 */
	private void setLimit(String typed) {
		chromium.script("document.getElementById('limit-outcome').textContent = ''");
		WebElement input = chromium.driver().findElement(By.id("limit-input"));
		input.clear();
		input.sendKeys(typed);
		chromium.driver().findElement(By.cssSelector("form.limit button[type='submit']")).click();
	}

	/** Puts a job with the query given ({@code group=a&priority=9}); its id. */
	private String put(String queue, String query, String payload) throws IOException, InterruptedException {
		return jobId(send("POST", "/v1/queues/" + queue + "/jobs?" + query, payload));
	}

}
