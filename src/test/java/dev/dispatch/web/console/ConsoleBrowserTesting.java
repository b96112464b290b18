package dev.dispatch.web.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dispatch.support.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the console's browser tests share: a headless Chromium for each test class, the
 * running service's port (each test class is a {@code @SpringBootTest} on a random one),
 * calls to its API over HTTP, and the fields of the page on screen.
 */
abstract class ConsoleBrowserTesting {

	static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern JOB_ID = Pattern.compile("\"id\":\"([^\"]+)\"");

	/** The browser of the test class running. */
	static HeadlessChromium chromium;

	@LocalServerPort
	int port;

	@BeforeAll
	static void startChromium() throws IOException {
		chromium = HeadlessChromium.start();
	}

	@AfterAll
	static void stopChromium() {
		if (chromium != null) {
			chromium.close();
			chromium = null;
		}
	}

	String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	/** A call to the service, with a JSON body or none; a caller may add headers. */
	HttpRequest.Builder request(String method, String path, String body) {
		return HttpRequest.newBuilder(URI.create(url(path)))
			.timeout(Duration.ofSeconds(40))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
	}

	HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
		return http.send(request(method, path, body).build(), HttpResponse.BodyHandlers.ofString());
	}

	CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, String body) {
		return http.sendAsync(request(method, path, body).build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The id of the job a put accepted. */
	static String jobId(HttpResponse<String> put) {
		assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
		Matcher matcher = JOB_ID.matcher(put.body());
		assertThat(matcher.find()).as(put.body()).isTrue();
		return matcher.group(1);
	}

	/** Opens a queue's page and waits until it shows the queue, open. */
	void openQueuePage(String queue) {
		chromium.driver().get(url("/console/#/queues/" + queue));
		chromium.await(ExpectedConditions.textToBe(By.cssSelector("main h2"), queue));
		awaitField("state", "open");
	}

	/**
	 * A field of the page's lists of fields (a queue's numbers and settings, a job's
	 * facts).
	 */
	WebElement field(String field) {
		return chromium.driver().findElement(By.cssSelector("main dd[data-field='" + field + "']"));
	}

	void awaitField(String field, String text) {
		chromium.await(ExpectedConditions.textToBe(By.cssSelector("main dd[data-field='" + field + "']"), text));
	}

}
