package dev.dispatch.web.console;

import java.io.IOException;
import java.net.http.HttpResponse;

import dev.dispatch.support.ApiKeyGrants;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console in a real browser against a service that requires credentials: the
 * console's files load without one, it asks for a key, keeps it in the tab's session
 * storage only and sends it with every API call; an admin key sees the queues, a
 * producer's is told a consumer's or an admin's would do, and a consumer's may look at a
 * queue and its jobs but not close or pause it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.jmx.enabled=false")
class ConsoleKeysBrowserTest extends ConsoleBrowserTesting {

	private static final String ADMIN = "console-admin-key-0123456789";

	private static final String PRODUCER = "console-producer-key-0123456789";

	private static final String CONSUMER = "console-consumer-key-0123456789";

	@DynamicPropertySource
	static void keys(DynamicPropertyRegistry registry) {
		key(registry, 0, "ops", ADMIN, "admin");
		key(registry, 1, "shop", PRODUCER, "producer");
		key(registry, 2, "workers", CONSUMER, "consumer");
	}

	private static void key(DynamicPropertyRegistry registry, int n, String name, String key, String role) {
		ApiKeyGrants.grant(registry, n, name, key, role, null);
	}

	@Test
	void theConsoleAsksForAKeyKeepsItInTheTabAndAnAdminKeyWorks() throws Exception {
		assertThat(send("PUT", "/v1/queues/secure.orders", "{\"capacity\": 50}", ADMIN).statusCode()).isEqualTo(201);
		for (int i = 0; i < 2; i++) {
			assertThat(send("POST", "/v1/queues/secure.orders/jobs", "{\"n\": " + i + "}", PRODUCER).statusCode())
				.isEqualTo(201);
		}
		freshConsole("/console/");

		awaitRefusal("Needs a key: this service asks for credentials");
		chromium.screenshot("key");
		enterKey(ADMIN);

		chromium.await(ExpectedConditions
			.textToBe(By.cssSelector("tr[data-queue='secure.orders'] td[data-field='size']"), "2"));
		assertThat(chromium.driver().findElement(By.id("banner")).isDisplayed()).isFalse();
		assertThat(chromium.driver().findElement(By.id("key-form")).isDisplayed()).isFalse();
		assertThat(chromium.script("return sessionStorage.getItem('dispatch.console.credential')")).isEqualTo(ADMIN);
		assertThat(chromium.script("return localStorage.length + document.cookie.length")).isEqualTo(0L);

		chromium.driver().findElement(By.id("forget-key")).click();
		awaitRefusal("Needs a key: this service asks for credentials");
		assertThat(chromium.script("return sessionStorage.getItem('dispatch.console.credential')")).isNull();
		assertThat(chromium.driver().findElement(By.id("forget-key")).isDisplayed()).isFalse();

		enterKey("no-such-key-0123456789abcdef");
		awaitRefusal("This key was refused");
	}

	@Test
	void aProducersKeyIsToldWhichKeyWouldDo() throws Exception {
		assertThat(send("PUT", "/v1/queues/secure.shop", "{}", ADMIN).statusCode()).isIn(200, 201);
		freshConsole("/console/#/queues/secure.shop");
		awaitRefusal("Needs a key: this service asks for credentials");

		enterKey(PRODUCER);

		awaitRefusal("Needs a consumer or admin key: this key may not do that");
		assertThat(chromium.driver().findElement(By.id("banner")).getText())
			.contains("do not allow GET /v1/queues/secure.shop");
		assertThat(chromium.driver().findElement(By.id("key-form")).isDisplayed()).isTrue();
		chromium.screenshot("needs-admin-key");
	}

	@Test
	void aConsumersKeyMayLookAtAQueueAndItsJobsButNotOperateIt() throws Exception {
		assertThat(send("PUT", "/v1/queues/secure.work", "{\"capacity\": 9}", ADMIN).statusCode()).isIn(200, 201);
		String job = jobId(send("POST", "/v1/queues/secure.work/jobs", "{\"n\": 1}", PRODUCER));
		freshConsole("/console/#/queues/secure.work");
		awaitRefusal("Needs a key: this service asks for credentials");
		enterKey(CONSUMER);
		chromium.await(ExpectedConditions.textToBe(By.cssSelector("main dd[data-field='capacity']"), "9"));

		chromium.driver().findElement(By.cssSelector("button[data-action='close']")).click();
		chromium.await(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		chromium.driver().findElement(By.id("confirm-ok")).click();

		chromium.await(ExpectedConditions.textToBePresentInElementLocated(By.id("outcome"),
				"Needs an admin key: this key may not do that"));
		chromium.driver().findElement(By.cssSelector("button[data-action='pause']")).click();
		chromium.await(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		chromium.driver().findElement(By.id("confirm-ok")).click();
		chromium.await(ExpectedConditions.textToBePresentInElementLocated(By.id("outcome"),
				"do not allow POST /v1/queues/secure.work/pause"));
		assertThat(chromium.driver().findElement(By.id("outcome")).getText())
			.startsWith("Needs an admin key: this key may not do that");
		assertThat(send("GET", "/v1/queues/secure.work", null, ADMIN).body()).contains("\"closed\":false")
			.contains("\"paused\":false");

		chromium.driver().get(url("/console/#/queues/secure.work/jobs/" + job));
		chromium.await(ExpectedConditions.textToBe(By.cssSelector("main dd[data-field='state']"), "ready"));
		assertThat(chromium.driver().findElement(By.id("payload")).getDomProperty("textContent"))
			.isEqualTo("{\n  \"n\": 1\n}");
	}

	// ---- helpers

	/** Opens the console in a tab with nothing stored. */
	private void freshConsole(String path) {
		chromium.driver().get(url(path));
		chromium.script("sessionStorage.clear()");
		chromium.driver().navigate().refresh();
	}

	private void awaitRefusal(String text) {
		chromium.await(ExpectedConditions.textToBePresentInElementLocated(By.id("banner"), text));
		chromium.await(ExpectedConditions.visibilityOfElementLocated(By.id("key-form")));
	}

	private void enterKey(String key) {
		chromium.driver().findElement(By.id("key-input")).sendKeys(key);
		chromium.driver().findElement(By.cssSelector("#key-form button[type='submit']")).click();
	}

	private HttpResponse<String> send(String method, String path, String body, String key)
			throws IOException, InterruptedException {
		return http.send(request(method, path, body).header("Authorization", "Bearer " + key).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
