package dev.dispatch.web.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the web console is served, over a real socket: {@code /} leads a browser to it and
 * tells a program where things are, its files carry a strict Content-Security-Policy that
 * the API's answers do not, and unknown paths are still answered as problems.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleServingTest {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

	@LocalServerPort
	int port;

	@Test
	void theRootSendsABrowserToTheConsole() throws Exception {
		HttpResponse<String> answer = get("/", BROWSER_ACCEPT);

		assertThat(answer.statusCode()).isEqualTo(302);
		assertThat(URI.create("http://127.0.0.1/").resolve(answer.headers().firstValue("Location").orElseThrow()))
			.hasPath("/console/");
		assertThat(answer.headers().firstValue("Vary")).hasValue("Accept");
	}

	@ParameterizedTest(name = "Accept: {0}")
	@ValueSource(strings = { "*/*", "application/json", "text/html;q=0" })
	void theRootTellsAProgramWhereThingsAre(String accept) throws Exception {
		HttpResponse<String> answer = get("/", accept);

		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		assertThat(answer.body())
			.isEqualTo("{\"console\":\"/console/\",\"queues\":\"/v1/queues\",\"openapi\":\"/v3/api-docs\"}");
	}

	@Test
	void theConsoleWithoutItsSlashIsSentToIt() throws Exception {
		HttpResponse<String> answer = get("/console", BROWSER_ACCEPT);

		assertThat(answer.statusCode()).isEqualTo(301);
		assertThat(
				URI.create("http://127.0.0.1/console").resolve(answer.headers().firstValue("Location").orElseThrow()))
			.hasPath("/console/");
	}

	@Test
	void theConsolesPageLoadsItsScriptAndStylesFromItsOwnOrigin() throws Exception {
		HttpResponse<String> page = get("/console/", BROWSER_ACCEPT);

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.body()).contains("<script src=\"console.js\" defer></script>")
			.contains("<link rel=\"stylesheet\" href=\"console.css\">")
			.doesNotContainPattern(Pattern.compile("<script>|<script [^>]*>[^<]|\\son[a-z]+=|style=|https?://"));
		for (String file : new String[] { "console.js", "console.css" }) {
			HttpResponse<String> answer = get("/console/" + file, "*/*");
			assertThat(answer.statusCode()).as(file).isEqualTo(200);
			// the SVG namespace is a name, which loads nothing
			assertThat(answer.body().replace("'http://www.w3.org/2000/svg'", "")).as(file)
				.doesNotContain("http://", "https://");
		}
	}

	@Test
	void theConsolesScriptNeverWritesMarkup() throws Exception {
		String script = get("/console/console.js", "*/*").body();

		assertThat(script).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
				"new Function");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/console/", "/console/console.js", "/console/console.css", "/console/no-such-file" })
	void theConsolesAnswersCarryItsSecurityHeaders(String path) throws Exception {
		HttpResponse<String> answer = get(path, BROWSER_ACCEPT);

		assertThat(answer.headers().firstValue("Content-Security-Policy"))
			.hasValue("default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none';"
					+ " frame-ancestors 'none'");
		assertThat(answer.headers().firstValue("X-Frame-Options")).hasValue("DENY");
		assertThat(answer.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
		assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
	}

	@Test
	void theApisAnswersDoNotCarryTheConsolesHeaders() throws Exception {
		HttpResponse<String> answer = get("/v1/queues", "application/json");

		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.headers().firstValue("Content-Security-Policy")).isEmpty();
		assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
	}

	@Test
	void theApisAnswersCarryTheDateTheConsoleReadsAgesAgainst() throws Exception {
		HttpResponse<String> answer = get("/v1/queues", "application/json");

		assertThat(answer.headers().firstValue("Date"))
			.hasValueSatisfying((date) -> assertThat(DateTimeFormatter.RFC_1123_DATE_TIME.parse(date)).isNotNull());
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/console/no-such-file", "/no-such-path", "/v1/no-such-endpoint" })
	void unknownPathsAreStillProblems(String path) throws Exception {
		HttpResponse<String> answer = get(path, BROWSER_ACCEPT);

		assertThat(answer.statusCode()).isEqualTo(404);
		assertThat(answer.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(answer.body()).contains("\"type\":\"/problems/not-found\"");
	}

	private HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.header("Accept", accept)
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
