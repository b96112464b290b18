package dev.dispatch.web;

import java.time.Duration;

import dev.dispatch.config.HttpProperties;

import org.springframework.stereotype.Component;

/**
 * The wait a request gets: its {@code wait} parameter, else the default, never above the
 * cap.
 */
@Component
class Waits {

	private final HttpProperties http;

	Waits(HttpProperties http) {
		this.http = http;
	}

	Duration of(String wait) {
		Duration asked = Durations.parse("wait", wait);
		if (asked == null) {
			return this.http.defaultWait();
		}
		return (asked.compareTo(this.http.maxWait()) > 0) ? this.http.maxWait() : asked;
	}

	Duration retryAfter() {
		return this.http.retryAfter();
	}

}
