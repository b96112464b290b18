package dev.dispatch.worker;

import dev.dispatch.DispatchApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Misconfigured workers stop the application at start-up with a message that says what is
 * wrong.
 */
class WorkerConfigurationErrorsTest {

	private static void start(String... args) {
		new SpringApplicationBuilder(DispatchApplication.class).web(WebApplicationType.NONE).run(args).close();
	}

	@Test
	void aPullerNamingAnUnknownHandlerIsRefused() {
		assertThatThrownBy(() -> start("--dispatch.workers.pullers.lost.queue=q",
				"--dispatch.workers.pullers.lost.handler=nobody"))
			.hasStackTraceContaining("puller 'lost' names handler 'nobody'")
			.hasStackTraceContaining("simulatedWork");
	}

	@Test
	void aPusherWhosePayloadIsNotJsonIsRefused() {
		assertThatThrownBy(() -> start("--dispatch.workers.pushers.sloppy.queue=q",
				"--dispatch.workers.pushers.sloppy.payload={n: unquoted}"))
			.hasStackTraceContaining("pusher 'sloppy' has a payload template that is not JSON");
	}

}
