package dev.dispatch.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Redis test harness starts real servers and a real cluster, and kill and restart
 * behave as a crash and a recovery would.
 */
class RedisServerTest {

	@Test
	void serverAnswersOnLoopbackAndFlushAllEmptiesIt() throws IOException {
		Path dataDir;
		int port;
		try (RedisServer redis = RedisServer.start("maxmemory-policy noeviction")) {
			dataDir = redis.dataDir();
			port = redis.port();
			assertThat(redis.host()).isEqualTo("127.0.0.1");
			assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + port);
			assertThat(dataDir).isDirectory();
			assertThat(rawExchange(port, "*1\r\n$4\r\nPING\r\n", 7)).isEqualTo("+PONG\r\n");

			assertThat(redis.command("SET", "job:1", "payload é")).isEqualTo("OK");
			assertThat(redis.command("GET", "job:1")).isEqualTo("payload é");
			assertThat(redis.command("INFO", "memory")).contains("maxmemory_policy:noeviction");
			redis.flushAll();
			assertThat(redis.command("GET", "job:1")).isNull();
			assertThat(redis.command("DBSIZE")).isEqualTo("0");
			assertThatThrownBy(() -> redis.command("NO-SUCH-COMMAND")).isInstanceOf(RedisServer.ErrorReply.class)
				.hasMessageStartingWith("ERR unknown command");
			assertThat(redis.log()).contains("Ready to accept connections");
		}
		assertThat(dataDir).doesNotExist();
		assertThatThrownBy(() -> RedisServer.commandAt(port, "PING")).isInstanceOf(UncheckedIOException.class);
	}

	@Test
	void appendOnlyWritesSurviveSigkillAndRestartOnTheSamePort() {
		try (RedisServer redis = RedisServer.start("appendonly yes", "appendfsync always")) {
			int port = redis.port();
			redis.command("SET", "durable", "yes");

			redis.kill();
			assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);
			assertThat(redis.log()).as("SIGKILL, not a shutdown").doesNotContain("User requested shutdown");
			assertThatIllegalStateException().isThrownBy(redis::kill);

			redis.restart();
			assertThat(redis.port()).isEqualTo(port);
			assertThat(redis.command("GET", "durable")).isEqualTo("yes");
			assertThat(redis.dataDir().resolve("appendonlydir")).isDirectory();
			assertThatIllegalStateException().isThrownBy(redis::restart);
		}
	}

	@Test
	void withoutAppendOnlyAKillLosesEverything() {
		try (RedisServer redis = RedisServer.start()) {
			redis.command("SET", "volatile", "yes");
			redis.kill();
			redis.restart();
			assertThat(redis.command("GET", "volatile")).isNull();
		}
	}

	@Test
	void clusterServesEachKeyOnTheNodeThatOwnsItsSlot() {
		try (RedisCluster cluster = RedisCluster.start()) {
			assertThat(cluster.nodes()).hasSize(3)
				.allMatch((node) -> node.startsWith("127.0.0.1:"))
				.containsExactlyElementsOf(cluster.ports().stream().map((port) -> "127.0.0.1:" + port).toList());
			for (int port : cluster.ports()) {
				assertThat(RedisServer.commandAt(port, "CLUSTER", "INFO")).contains("cluster_state:ok")
					.contains("cluster_known_nodes:3");
			}

			String slot = RedisServer.commandAt(cluster.ports().getFirst(), "CLUSTER", "KEYSLOT", "job:1");
			Set<Integer> refusing = new HashSet<>();
			Set<Integer> owning = new HashSet<>();
			for (int port : cluster.ports()) {
				try {
					assertThat(RedisServer.commandAt(port, "SET", "job:1", "payload")).isEqualTo("OK");
					owning.add(port);
				}
				catch (RedisServer.ErrorReply moved) {
					assertThat(moved).hasMessageStartingWith("MOVED " + slot + " 127.0.0.1:");
					refusing.add(port);
				}
			}
			assertThat(owning).hasSize(1);
			assertThat(refusing).hasSize(2);
			assertThat(RedisServer.commandAt(owning.iterator().next(), "GET", "job:1")).isEqualTo("payload");

			for (int i = 0; i < 30; i++) {
				assertThat(cluster.command("SET", "key-" + i, "v")).isEqualTo("OK");
			}
			assertThat(cluster.command("GET", "key-7")).isEqualTo("v");
			for (int port : cluster.ports()) {
				assertThat(Integer.parseInt(RedisServer.commandAt(port, "DBSIZE"))).as("keys on %d", port).isPositive();
			}
			cluster.flushAll();
			for (int port : cluster.ports()) {
				assertThat(RedisServer.commandAt(port, "DBSIZE")).isEqualTo("0");
			}
		}
	}

	/**
	 * Writes bytes by hand and reads the reply's first bytes: the server, not our client.
	 */
	private static String rawExchange(int port, String request, int replyLength) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(5000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			return new String(in.readNBytes(replyLength), StandardCharsets.US_ASCII);
		}
	}

}
