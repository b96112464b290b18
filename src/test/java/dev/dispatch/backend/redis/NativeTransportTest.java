package dev.dispatch.backend.redis;

import io.lettuce.core.resource.EpollProvider;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lettuce talks to Redis through Netty's native epoll transport on the platforms the
 * image runs on, which costs less CPU per command than NIO (docs/benchmarks.md): a change
 * of dependencies that loses it fails here, not silently in production.
 */
class NativeTransportTest {

	@Test
	@EnabledOnOs(value = OS.LINUX, architectures = { "amd64", "aarch64" })
	void lettuceUsesNettysEpollTransport() {
		assertThat(Epoll.isAvailable()).as("Netty's epoll: %s", Epoll.unavailabilityCause()).isTrue();
		assertThat(EpollProvider.isAvailable()).as("Lettuce picks epoll").isTrue();
	}

}
