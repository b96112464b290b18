package dev.dispatch.client.spring;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Dispatch client's settings, {@code dispatch.client.*}.
 *
 * @param baseUrl The service's address, {@code http://host:port}.
 * @param apiKey An API key or JWT, sent as {@code Authorization: Bearer}; empty: none.
 * @param connectTimeout How long a connection to the service may take to open.
 * @param requestTimeout How long an answer may take beyond the time a request may park on
 * the service.
 * @param putWait How long a put waits for room in a full queue, per attempt.
 * @param retryTimeout How long a put is sent again (lost answer, 429, 503, connection
 * refused) before its failure is thrown.
 * @param listener Settings of every {@code @DispatchListener}'s consumer loop.
 */
@ConfigurationProperties("dispatch.client")
public record DispatchClientProperties(@DefaultValue("http://localhost:8080") String baseUrl, String apiKey,
		@DefaultValue("5s") Duration connectTimeout, @DefaultValue("15s") Duration requestTimeout,
		@DefaultValue("20s") Duration putWait, @DefaultValue("1m") Duration retryTimeout,
		@DefaultValue Listener listener) {

	/**
	 * Settings of the consumer loops that run {@code @DispatchListener} methods.
	 *
	 * @param autoStartup Whether the listeners start with the application.
	 * @param pollWait How long one long poll waits for jobs.
	 * @param shutdownGrace How long stopping waits for running handlers before their jobs
	 * are released back to the queue.
	 * @param nackDelay The delay of a failed job's first retry; it doubles with each
	 * attempt (with jitter).
	 * @param maxNackDelay The longest delay of a failed job's retry.
	 * @param takeLinger How long a round waits, once a slot is free but handlers still
	 * run, for the others to end too, so that one take asks for several jobs.
	 */
	public record Listener(@DefaultValue("true") boolean autoStartup, @DefaultValue("20s") Duration pollWait,
			@DefaultValue("30s") Duration shutdownGrace, @DefaultValue("1s") Duration nackDelay,
			@DefaultValue("5m") Duration maxNackDelay, @DefaultValue("1ms") Duration takeLinger) {
	}

}
