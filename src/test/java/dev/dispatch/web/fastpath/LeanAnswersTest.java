package dev.dispatch.web.fastpath;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.dispatch.queue.QueueRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.DeferredResultMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.PathVariableMethodArgumentResolver;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lean request path, over a real socket: a put, take or batch whose answer is known
 * when the handler returns is written in the request's own dispatch, and one that parks
 * through a second (async) dispatch, as counted by a filter that sees both kinds; the
 * API's answers go out whole, with their length.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LeanAnswersTest {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/** Async dispatches seen, by request path. */
	static final Map<String, AtomicInteger> asyncDispatches = new ConcurrentHashMap<>();

	@LocalServerPort
	int port;

	@Autowired
	QueueRegistry registry;

	@Autowired
	RequestMappingHandlerAdapter adapter;

	@TestConfiguration
	static class CountAsyncDispatches {

		@Bean
		FilterRegistrationBean<Filter> asyncDispatchCounter() {
			FilterRegistrationBean<Filter> counter = new FilterRegistrationBean<>((request, response, chain) -> {
				if (request.getDispatcherType() == DispatcherType.ASYNC) {
					String path = ((jakarta.servlet.http.HttpServletRequest) request).getRequestURI();
					asyncDispatches.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet();
				}
				chain.doFilter(request, response);
			});
			counter.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
			return counter;
		}

	}

	@BeforeEach
	void forget() {
		asyncDispatches.clear();
	}

	private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
		return http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest request(String path, String body) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build();
	}

	private int asyncDispatchesOf(String path) {
		AtomicInteger count = asyncDispatches.get(path);
		return (count != null) ? count.get() : 0;
	}

	@Test
	void theLeanPartsAreInstalledInSpringMvc() {
		List<HandlerMethodReturnValueHandler> handlers = this.adapter.getReturnValueHandlers();
		assertThat(handlers).noneMatch(DeferredResultMethodReturnValueHandler.class::isInstance);
		assertThat(handlers).filteredOn(AnsweredAtOnce.class::isInstance).hasSize(1);
		List<Class<?>> resolvers = this.adapter.getArgumentResolvers()
			.stream()
			.<Class<?>>map(Object::getClass)
			.toList();
		assertThat(resolvers.indexOf(PathVariables.class)).isNotNegative()
			.isLessThan(resolvers.indexOf(PathVariableMethodArgumentResolver.class));
	}

	@Test
	void pathVariablesArriveDecoded() throws Exception {
		HttpResponse<String> put = post("/v1/queues/enc%2Doded/jobs", "1");
		assertThat(put.statusCode()).isEqualTo(201);
		assertThat(put.body()).contains("\"queue\":\"enc-oded\"");
		String lease = post("/v1/queues/enc-oded/leases", "").body().replaceAll(".*\"leaseId\":\"([^\"]+)\".*", "$1");
		assertThat(post("/v1/queues/enc%2Doded/leases/" + lease + "/ack", "").statusCode()).isEqualTo(204);
	}

	@Test
	void aPutWithRoomAndATakeWithAJobReadyAreAnsweredInOneDispatch() throws Exception {
		HttpResponse<String> put = post("/v1/queues/at-once/jobs?wait=5s", "{\"n\":1}");
		assertThat(put.statusCode()).isEqualTo(201);
		assertThat(put.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(put.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).startsWith("/v1/queues/at-once/jobs/"));
		assertThat(put.headers().firstValue("Cache-Control")).hasValue("no-store");

		HttpResponse<String> take = post("/v1/queues/at-once/leases?wait=5s", "");
		assertThat(take.statusCode()).isEqualTo(200);
		assertThat(take.body()).contains("\"payload\":{\"n\":1}").contains("\"leaseId\":\"");

		HttpResponse<String> batch = post("/v1/queues/at-once/jobs/batch?wait=5s",
				"[{\"payload\": 1}, {\"payload\": 2}]");
		assertThat(batch.statusCode()).isEqualTo(201);
		assertThat(batch.body()).contains("\"queue\":\"at-once\"");

		assertThat(asyncDispatchesOf("/v1/queues/at-once/jobs")).isZero();
		assertThat(asyncDispatchesOf("/v1/queues/at-once/leases")).isZero();
		assertThat(asyncDispatchesOf("/v1/queues/at-once/jobs/batch")).isZero();
	}

	@Test
	void aRefusalKnownAtOnceIsAProblemInOneDispatch() throws Exception {
		post("/v1/queues/full-at-once/jobs", "{}");
		this.registry.require("full-at-once").close(dev.dispatch.queue.CloseMode.GRACEFUL).join();
		HttpResponse<String> put = post("/v1/queues/full-at-once/jobs?wait=5s", "{}");
		assertThat(put.statusCode()).isEqualTo(409);
		assertThat(put.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(put.body()).contains("\"type\":\"/problems/queue-closed\"");
		assertThat(asyncDispatchesOf("/v1/queues/full-at-once/jobs")).isZero();
	}

	@Test
	void anAutoAckedTakeAnsweredAtOnceIsSettled() throws Exception {
		post("/v1/queues/auto-at-once/jobs", "7");
		HttpResponse<String> take = post("/v1/queues/auto-at-once/leases?wait=5s&ack=auto", "");
		assertThat(take.body()).contains("\"payload\":7").contains("\"leaseId\":null");
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> this.registry.require("auto-at-once").snapshot().join().unfinished() == 0);
		assertThat(asyncDispatchesOf("/v1/queues/auto-at-once/leases")).isZero();
	}

	@Test
	void answersAreSentWholeWithTheirLength() throws Exception {
		HttpResponse<String> put = post("/v1/queues/whole/jobs", "{\"n\":1}");
		HttpResponse<String> take = post("/v1/queues/whole/leases", "");
		HttpResponse<String> problem = post("/v1/queues/whole/leases/no-such-lease/ack", "");
		for (HttpResponse<String> answer : List.of(put, take, problem)) {
			assertThat(answer.headers().firstValue("Transfer-Encoding")).as(answer.body()).isEmpty();
			assertThat(answer.headers().firstValueAsLong("Content-Length"))
				.hasValue(answer.body().getBytes(StandardCharsets.UTF_8).length);
		}
		assertThat(problem.statusCode()).isEqualTo(410);

		// larger than the response buffer (32 KiB): sent as it is written, and whole
		String big = "\"" + "x".repeat(1000) + "\"";
		for (int i = 0; i < 50; i++) {
			post("/v1/queues/whole/jobs", big);
		}
		HttpResponse<String> page = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/queues/whole/jobs?limit=100"))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body().length()).isGreaterThan(50_000);
		assertThat(page.body().split("x{1000}", -1)).hasSize(51);
		assertThat(page.body()).endsWith("}");
	}

	@Test
	void aTakeThatParksIsAnsweredThroughAnAsyncDispatch() throws Exception {
		post("/v1/queues/parks/jobs", "1");
		post("/v1/queues/parks/leases?ack=auto", "");
		asyncDispatches.clear();
		CompletableFuture<HttpResponse<String>> take = http.sendAsync(request("/v1/queues/parks/leases?wait=20s", ""),
				HttpResponse.BodyHandlers.ofString());
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.registry.require("parks").snapshot().join().waitingTakers() == 1);
		assertThat(post("/v1/queues/parks/jobs", "2").statusCode()).isEqualTo(201);
		HttpResponse<String> answer = take.get(10, TimeUnit.SECONDS);
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).contains("\"payload\":2");
		assertThat(asyncDispatchesOf("/v1/queues/parks/leases")).isEqualTo(1);
	}

}
