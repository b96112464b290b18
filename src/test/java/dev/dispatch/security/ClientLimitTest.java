package dev.dispatch.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.dispatch.support.ApiKeyGrants;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One caller cannot take every slot for parked requests: past
 * {@code dispatch.http.max-waiters-per-client}, its next take that would park answers 503
 * {@code too-many-waiters}, while another caller still parks.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.jmx.enabled=false", "dispatch.http.max-waiters-per-client=2",
				"dispatch.security.api-keys[0].name=greedy",
				"dispatch.security.api-keys[0].key-sha256=" + ClientLimitTest.GREEDY_SHA256,
				"dispatch.security.api-keys[0].roles=consumer,admin", "dispatch.security.api-keys[1].name=modest",
				"dispatch.security.api-keys[1].key-sha256=" + ClientLimitTest.MODEST_SHA256,
				"dispatch.security.api-keys[1].roles=consumer" })
class ClientLimitTest {

	/** The SHA-256 of "greedy-key-0123456789abcdef". */
	static final String GREEDY_SHA256 = "3a513a0bacfee8158025605283e4e785f0a32dc2af0ee56cf5cf71bbd7719260";

	/** The SHA-256 of "modest-key-0123456789abcdef". */
	static final String MODEST_SHA256 = "f909e8cfeb0259f504e17ba4da225aaa8847c249d036dd4d9982c8df09a7b317";

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void aCallerPastItsShareOfParkedRequestsIsRefusedAndOthersStillPark() throws Exception {
		assertThat(ApiKeyGrants.sha256("greedy-key-0123456789abcdef")).isEqualTo(GREEDY_SHA256);
		assertThat(ApiKeyGrants.sha256("modest-key-0123456789abcdef")).isEqualTo(MODEST_SHA256);
		assertThat(send("PUT", "/v1/queues/limited", "{}", "greedy-key-0123456789abcdef").statusCode()).isEqualTo(201);
		List<CompletableFuture<HttpResponse<String>>> parked = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			parked.add(park("greedy-key-0123456789abcdef"));
		}
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> send("GET", "/v1/queues/limited", null, "greedy-key-0123456789abcdef").body()
				.contains("\"waitingTakers\":2"));

		HttpResponse<String> third = send("POST", "/v1/queues/limited/leases?wait=10s", null,
				"greedy-key-0123456789abcdef");
		assertThat(third.statusCode()).isEqualTo(503);
		assertThat(third.body()).contains("/problems/too-many-waiters");

		CompletableFuture<HttpResponse<String>> other = park("modest-key-0123456789abcdef");
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> send("GET", "/v1/queues/limited", null, "greedy-key-0123456789abcdef").body()
				.contains("\"waitingTakers\":3"));
		assertThat(other).isNotDone();
		assertThat(send("DELETE", "/v1/queues/limited", null, "greedy-key-0123456789abcdef").statusCode())
			.isEqualTo(204);
		for (CompletableFuture<HttpResponse<String>> answer : parked) {
			assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(410);
		}
		assertThat(other.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(410);
	}

	private CompletableFuture<HttpResponse<String>> park(String key) {
		return http.sendAsync(request("POST", "/v1/queues/limited/leases?wait=30s", null, key),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
		return http.send(request(method, path, body, key), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest request(String method, String path, String body, String key) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + key)
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
	}

}
