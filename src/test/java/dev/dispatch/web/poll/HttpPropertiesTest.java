package dev.dispatch.web.poll;

import java.time.Duration;

import dev.dispatch.web.poll.HttpProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dispatch.http.*} as bound from properties: its defaults, and settings out of
 * range refused at start-up with a message naming them.
 */
class HttpPropertiesTest {

	private final ApplicationContextRunner context = new ApplicationContextRunner()
		.withUserConfiguration(Binding.class);

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(HttpProperties.class)
	static class Binding {

	}

	@Test
	void defaults() {
		this.context.run((started) -> {
			HttpProperties http = started.getBean(HttpProperties.class);
			assertThat(http.defaultWait()).isEqualTo(Duration.ofSeconds(20));
			assertThat(http.maxWait()).isEqualTo(Duration.ofSeconds(60));
			assertThat(http.firstAnswerWait()).isEqualTo(Duration.ofMillis(10));
		});
	}

	@Test
	void firstAnswerWaitIsBetweenZeroAndOneSecond() {
		this.context.withPropertyValues("dispatch.http.first-answer-wait=0")
			.run((started) -> assertThat(started.getBean(HttpProperties.class).firstAnswerWait()).isZero());
		for (String bad : new String[] { "-1ms", "2s" }) {
			this.context.withPropertyValues("dispatch.http.first-answer-wait=" + bad)
				.run((started) -> assertThat(started).getFailure()
					.rootCause()
					.hasMessageContaining("dispatch.http.first-answer-wait must be between 0 and 1s"));
		}
	}

	@Test
	void aDefaultWaitAboveTheMaximumIsRefused() {
		this.context.withPropertyValues("dispatch.http.default-wait=2m")
			.run((started) -> assertThat(started).getFailure()
				.rootCause()
				.hasMessageContaining("0 <= default-wait <= max-wait"));
	}

}
