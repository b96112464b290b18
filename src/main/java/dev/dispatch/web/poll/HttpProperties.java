package dev.dispatch.web.poll;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The HTTP API's settings, under {@code dispatch.http.*}.
 *
 * @param defaultWait how long a put, take or join waits when the request names no
 * {@code wait} (under the 60 s idle timeout of common ingresses)
 * @param maxWait the longest wait a request gets; longer ones are cut to it, not refused
 * @param maxPayloadSize the largest job payload accepted
 * @param retryAfter what {@code Retry-After} tells clients answered 503
 * @param maxWaitersPerQueue most requests parked on one queue at once; more answer 503
 * {@code too-many-waiters}
 * @param maxWaiters most requests parked in all at once (each holds a connection, so keep
 * it below the process's open-file limit)
 * @param maxWaitersPerClient most requests one caller (an API key's or a token's
 * identity) may have parked at once, so that one consumer cannot take every slot; callers
 * are told apart only when credentials are required
 * @param maxBatchSize the largest body of a batch put (each of its payloads is held to
 * {@code maxPayloadSize} as well)
 * @param firstAnswerWait how long a put or take holds its request thread for the first
 * answer of a backend that is a round trip away (Redis) before it parks the request; an
 * answer within it is written at once, without the async dispatch of a parked request.
 * Zero parks every request whose outcome is not known at once.
 */
@Validated
@ConfigurationProperties("dispatch.http")
public record HttpProperties(@DefaultValue("20s") Duration defaultWait, @DefaultValue("60s") Duration maxWait,
		@DefaultValue("256KB") DataSize maxPayloadSize, @DefaultValue("1s") Duration retryAfter,
		@DefaultValue("10000") int maxWaitersPerQueue, @DefaultValue("15000") int maxWaiters,
		@DefaultValue("5000") int maxWaitersPerClient, @DefaultValue("1MB") DataSize maxBatchSize,
		@DefaultValue("10ms") Duration firstAnswerWait) {

	public HttpProperties {
		if (maxWait.isNegative() || defaultWait.isNegative() || defaultWait.compareTo(maxWait) > 0) {
			throw new IllegalArgumentException(
					"dispatch.http needs 0 <= default-wait <= max-wait, got " + defaultWait + " and " + maxWait);
		}
		if (firstAnswerWait.isNegative() || firstAnswerWait.compareTo(Duration.ofSeconds(1)) > 0) {
			throw new IllegalArgumentException(
					"dispatch.http.first-answer-wait must be between 0 and 1s, got " + firstAnswerWait);
		}
		if (maxWaitersPerQueue < 0 || maxWaiters < 0 || maxWaitersPerClient < 0) {
			throw new IllegalArgumentException("dispatch.http waiter limits must not be negative");
		}
		if (maxPayloadSize.toBytes() < 1 || maxPayloadSize.toBytes() > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("dispatch.http.max-payload-size out of range: " + maxPayloadSize);
		}
		if (maxBatchSize.toBytes() < 1 || maxBatchSize.toBytes() > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("dispatch.http.max-batch-size out of range: " + maxBatchSize);
		}
	}

}
