package dev.dispatch.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import dev.dispatch.client.test.Backend;
import dev.dispatch.client.test.DispatchServer;
import dev.dispatch.client.test.RedisProcess;
import dev.dispatch.client.test.SharedServers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The services the tests talk to: the fixture's shared service per backend for the test
 * JVM (started on first use, killed when the JVM exits), and fresh ones for tests that
 * stop, restart or configure theirs. Each test uses queues of its own ({@link #queue}),
 * so sharing a service shares nothing else.
 */
final class Services {

	private Services() {
	}

	/** The shared service on {@code backend}. */
	static DispatchServer shared(Backend backend) {
		if (backend == Backend.REDIS) {
			RedisProcess.assumeInstalled();
		}
		return SharedServers.get(backend);
	}

	/** A client of the shared service on {@code backend}. */
	static DispatchClient client(Backend backend) {
		return DispatchClient.create(shared(backend).baseUrl());
	}

	/** Starts a service of the test's own on {@code backend}; close it. */
	static DispatchServer start(Backend backend, DispatchServer.Builder builder) {
		if (backend == Backend.REDIS) {
			builder.redis(redis().uri());
		}
		return builder.start();
	}

	/**
	 * A redis-server of its own, killed when the JVM exits. Without redis-server on the
	 * machine the test is skipped, but fails when {@code CI} is set: CI never passes by
	 * skipping.
	 */
	static RedisProcess redis() {
		return redis(false);
	}

	/** As {@link #redis()}, keeping an append-only file when {@code appendOnly}. */
	static RedisProcess redis(boolean appendOnly) {
		RedisProcess.assumeInstalled();
		return RedisProcess.start(appendOnly);
	}

	/**
	 * How many takes of {@code queue} delivered jobs, as the shared service on
	 * {@code backend} counts them (its {@code dispatch.take.wait} timer, outcome
	 * {@code delivered}, on {@code /actuator/prometheus}).
	 */
	static long deliveringTakes(Backend backend, String queue) throws Exception {
		HttpRequest scrape = HttpRequest.newBuilder(URI.create(shared(backend).baseUrl() + "/actuator/prometheus"))
			.build();
		String metrics;
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpResponse<String> answer = http.send(scrape, HttpResponse.BodyHandlers.ofString());
			assertThat(answer.statusCode()).as("/actuator/prometheus").isEqualTo(200);
			metrics = answer.body();
		}
		return metrics.lines()
			.filter((line) -> line.startsWith("dispatch_take_wait_seconds_count{")
					&& line.contains("queue=\"" + queue + "\"") && line.contains("outcome=\"delivered\""))
			.mapToLong((line) -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	/** A queue name no other test uses. */
	static String queue(String what) {
		return what + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
