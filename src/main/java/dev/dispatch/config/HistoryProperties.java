package dev.dispatch.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The history of each queue the console charts ({@code GET /v1/queues/{queue}/history}),
 * under {@code dispatch.history.*}.
 *
 * @param interval how often each queue is sampled (what one point of a chart spans); on
 * the Redis backend each sample of a queue is one snapshot, a round trip
 * @param window how far back the history goes; a queue keeps window / interval samples
 */
@ConfigurationProperties("dispatch.history")
public record HistoryProperties(@DefaultValue("10s") Duration interval, @DefaultValue("15m") Duration window) {

	public HistoryProperties {
		if (interval.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(interval) < 0
				|| window.dividedBy(interval) > 10_000) {
			throw new IllegalArgumentException("dispatch.history needs an interval of at least 1s and a window of"
					+ " 1 to 10,000 intervals, got " + interval + " and " + window);
		}
	}

	/** How many samples a queue keeps. */
	public int samples() {
		return (int) this.window.dividedBy(this.interval);
	}

}
