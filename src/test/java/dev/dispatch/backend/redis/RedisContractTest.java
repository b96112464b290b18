package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.FlushMode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.JobQueueContractTest;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue contract on a real Redis, a single server or a cluster (see the subclasses).
 * Each test has a key prefix of its own, so tests share one Redis without seeing each
 * other's queues; each registry has connections of its own.
 */
abstract class RedisContractTest extends JobQueueContractTest {

	private static final AtomicInteger tests = new AtomicInteger();

	private final String prefix = "contract" + tests.incrementAndGet();

	private final Deque<AutoCloseable> opened = new ArrayDeque<>();

	/** The client of the Redis under test. */
	protected abstract AbstractRedisClient client();

	@AfterEach
	void closeRegistries() throws Exception {
		while (!this.opened.isEmpty()) {
			this.opened.pop().close();
		}
	}

	/**
	 * Not part of the shared contract: after every test, each queue's counts in its
	 * {@code meta} (which every script answers from, instead of reading its lists) agree
	 * with the lists and sets they count.
	 */
	@AfterEach
	void countsAgreeWithWhatTheyCount() {
		withKeyCommands((redis) -> {
			for (String key : scan(redis, this.prefix + ":{*}:meta")) {
				String base = key.substring(0, key.length() - "meta".length());
				List<String> counts = redis.hmget(key, "r", "d", "f", "o", "m")
					.stream()
					.map((value) -> value.getValueOrElse("0"))
					.toList();
				long otherLanes = scan(redis, base + "ready:*").stream().mapToLong(redis::llen).sum();
				assertThat(counts).as("ready, delayed, leased, outbox, ready outside the default lane of %s", base)
					.containsExactly(Long.toString(redis.llen(base + "ready") + otherLanes),
							Long.toString(redis.zcard(base + "delayed")), Long.toString(redis.zcard(base + "leases")),
							Long.toString(redis.llen(base + "outbox")), Long.toString(otherLanes));
				if (otherLanes == 0) {
					assertThat(scan(redis, base + "ready|*")).as("turns kept while every job is in the default lane")
						.isEmpty();
				}
				assertThat(redis.objectEncoding(key)).as("how Redis keeps %s (a hash table: see prelude.lua)", key)
					.isEqualTo("hashtable");
				long mask = Long.parseLong(redis.hget(key, "pm"));
				for (int p = 1; p <= 9; p++) {
					boolean turns = redis.exists(base + "ready|now" + p, base + "ready|next" + p) > 0;
					assertThat((mask & (1L << (p - 1))) != 0).as("priority %d has turns in meta pm of %s", p, base)
						.isEqualTo(turns);
				}
				assertThat(redis.exists(base + "ready|levels")).as("the counts per priority kept before").isZero();
			}
		});
	}

	/**
	 * Not part of the shared contract: throwing thousands of jobs away, by a purge (and
	 * the acks of the leases it left) or by a delete with discard, leaves none of their
	 * data in Redis: no job's own key, no list or set that held them.
	 */
	@Test
	void throwingThousandsOfJobsAwayLeavesNothingBehind() throws Exception {
		BigQueue purged = bigQueue(this, "purged");
		done(purged.queue().purge());
		for (Delivery leased : purged.leased()) {
			assertThat(done(purged.queue().ack(leased.leaseId()))).isTrue();
		}
		assertThat(storedKeys("purged")).containsExactly("meta");

		bigQueue(this, "deleted");
		assertThat(this.registry.delete("deleted", true)).isTrue();
		assertThat(storedKeys("deleted")).isEmpty();
	}

	/**
	 * Not part of the shared contract: dead letters are forwarded in rounds that end at a
	 * payload budget (512 KiB), and the rounds go on until the outbox is empty.
	 */
	@Test
	void deadLettersOfLargePayloadsAreForwardedInSeveralRounds() {
		JobQueue queue = queue("heavy", 100);
		List<String> payloads = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			String payload = "\"" + Integer.toString(i).repeat(200 * 1024) + "\"";
			payloads.add(payload);
			accept(queue, payload);
		}
		assertThat(done(queue.close(CloseMode.IMMEDIATE))).isEqualTo(12);
		assertThat(drainReady(this.registry.require("heavy.dead"))).containsExactlyElementsOf(payloads);
	}

	/**
	 * Not part of the shared contract: a Redis that lost Dispatch's functions (a fresh
	 * server after a failover without persistence, a new cluster node, {@code FUNCTION
	 * FLUSH}) gets them again from the first call that finds them missing, and that call
	 * is answered as if nothing had happened.
	 */
	@Test
	void aRedisThatLostTheFunctionsGetsThemAgain() {
		JobQueue queue = queue("refilled", 10);
		accept(queue, "\"a\"");
		onEveryNode((redis) -> {
			assertThat(redis.functionList("dispatch_*")).as("the library, loaded into every primary").hasSize(1);
			assertThat(redis.functionFlush(FlushMode.SYNC)).isEqualTo("OK");
		});
		accept(queue, "\"b\"");
		accept(queue("refilled-too", 10), "\"c\"");
		assertThat(drainReady(queue)).containsExactly("\"a\"", "\"b\"");
	}

	/**
	 * Not part of the shared contract: each version of Dispatch loads a library of its
	 * own, and a load deletes those of versions no longer loaded — all but the three
	 * loaded last, and those of versions before the record of loads — on every primary;
	 * libraries that are not Dispatch's stay.
	 */
	@Test
	void aLoadDeletesTheLibrariesOfEarlierVersions() {
		JobQueue queue = queue("versions", 10);
		accept(queue, "\"a\"");
		List<String> fakes = List.of("dispatch_00000000000a", "dispatch_00000000000b", "dispatch_00000000000c",
				"dispatch_00000000000d");
		onEveryNode((redis) -> {
			assertThat(redis.functionFlush(FlushMode.SYNC)).isEqualTo("OK");
			for (String fake : fakes) {
				redis.functionLoad("#!lua name=" + fake + "\nredis.register_function('" + fake
						+ "_put', function() return 1 end)");
			}
			redis.functionLoad("#!lua name=mine\nredis.register_function('mine', function() return 1 end)");
		});
		withKeyCommands((redis) -> {
			redis.del("dispatch:functions");
			redis.zadd("dispatch:functions", ScoredValue.just(1, "dispatch_00000000000a"),
					ScoredValue.just(2, "dispatch_00000000000b"), ScoredValue.just(3, "dispatch_00000000000d"));
		});

		accept(queue, "\"b\"");

		onEveryNode((redis) -> {
			List<String> libraries = redis.functionList()
				.stream()
				.map((library) -> String.valueOf(library.get("library_name")))
				.toList();
			assertThat(libraries).as("the two loaded last before this one, this one, and one not Dispatch's")
				.hasSize(4)
				.contains("dispatch_00000000000b", "dispatch_00000000000d", "mine")
				.doesNotContain("dispatch_00000000000a", "dispatch_00000000000c");
			for (String left : List.of("dispatch_00000000000b", "dispatch_00000000000d", "mine")) {
				redis.dispatch(CommandType.FUNCTION, new StatusOutput<>(StringCodec.UTF8),
						new CommandArgs<>(StringCodec.UTF8).add("DELETE").add(left));
			}
		});
		withKeyCommands((redis) -> {
			assertThat(redis.zrange("dispatch:functions", 0, -1)).as("the record of loads, trimmed")
				.hasSize(3)
				.startsWith("dispatch_00000000000b", "dispatch_00000000000d");
			redis.del("dispatch:functions");
		});
		assertThat(drainReady(queue)).containsExactly("\"a\"", "\"b\"");
	}

	/**
	 * Not part of the shared contract: a queue stored before {@code meta} marked the
	 * priorities with turns ({@code pm}, {@code pu}), when it kept its highest priority
	 * ({@code tp}) and the ready jobs per priority ({@code ready|levels}), is served as
	 * ever: its next call marks them from the turns, and drops what was kept before.
	 */
	@Test
	void aQueueStoredWithItsCountsPerPriorityIsServedInOrder() {
		JobQueue queue = queue("upgraded", 10);
		acceptIn(queue, "\"low\"", 2, "a");
		acceptIn(queue, "\"high\"", 8, "b");
		accept(queue, "\"default\"");
		String base = this.prefix + ":{upgraded}:";
		withKeyCommands((redis) -> {
			assertThat(redis.hdel(base + "meta", "pm", "pu")).isEqualTo(2);
			redis.hset(base + "meta", "tp", "8");
			redis.hset(base + "ready|levels", Map.of("2", "1", "8", "1"));
		});
		assertThat(drainReady(queue)).containsExactly("\"high\"", "\"default\"", "\"low\"");
		withKeyCommands((redis) -> assertThat(redis.exists(base + "ready|levels")).isZero());
	}

	/**
	 * Not part of the shared contract: a queue whose {@code meta} an older version stored
	 * compact (a listpack, each field found by a scan) is made a hash table by its next
	 * call, and served as ever.
	 */
	@Test
	void aQueueStoredCompactIsKeptAsAHashTableFromItsNextCall() {
		JobQueue queue = queue("compact", 10);
		accept(queue, "\"a\"");
		String meta = this.prefix + ":{compact}:meta";
		withKeyCommands((redis) -> {
			Map<String, String> fields = new TreeMap<>(redis.hgetall(meta));
			assertThat(fields.remove("about")).hasSizeGreaterThan(64);
			redis.del(meta);
			redis.hset(meta, fields);
			assertThat(redis.objectEncoding(meta)).isEqualTo("listpack");
		});
		accept(queue, "\"b\"");
		withKeyCommands((redis) -> assertThat(redis.objectEncoding(meta)).isEqualTo("hashtable"));
		assertThat(drainReady(queue)).containsExactly("\"a\"", "\"b\"");
	}

	/**
	 * Every key of queue {@code name} in Redis (on every node of a cluster), by what
	 * follows its hash tag: {@code meta}, {@code ready}, {@code job:<id>}…
	 */
	private List<String> storedKeys(String name) {
		String tagged = this.prefix + ":{" + name + "}:";
		List<String> stored = new ArrayList<>();
		withKeyCommands(
				(redis) -> scan(redis, tagged + "*").forEach((key) -> stored.add(key.substring(tagged.length()))));
		return stored;
	}

	/** Runs {@code use} with the synchronous commands of the Redis under test. */
	private void withKeyCommands(Consumer<RedisClusterCommands<String, String>> use) {
		AbstractRedisClient client = client();
		if (client instanceof RedisClusterClient cluster) {
			try (StatefulRedisClusterConnection<String, String> connection = cluster.connect()) {
				use.accept(connection.sync());
			}
		}
		else {
			try (StatefulRedisConnection<String, String> connection = ((RedisClient) client).connect()) {
				use.accept(connection.sync());
			}
		}
	}

	/**
	 * Runs {@code use} with the synchronous commands of each primary of the Redis under
	 * test (the one server, or every primary of a cluster).
	 */
	private void onEveryNode(Consumer<RedisClusterCommands<String, String>> use) {
		AbstractRedisClient client = client();
		if (client instanceof RedisClusterClient cluster) {
			try (StatefulRedisClusterConnection<String, String> connection = cluster.connect()) {
				for (RedisClusterNode node : connection.getPartitions()) {
					if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
						use.accept(connection.getConnection(node.getNodeId()).sync());
					}
				}
			}
		}
		else {
			withKeyCommands(use);
		}
	}

	/** The keys that match {@code pattern}, on every node of a cluster. */
	private static List<String> scan(RedisClusterCommands<String, String> redis, String pattern) {
		List<String> keys = new ArrayList<>();
		ScanIterator.scan(redis, ScanArgs.Builder.matches(pattern).limit(1000)).forEachRemaining(keys::add);
		return keys;
	}

	@Override
	protected QueueRegistry newRegistry(Scheduler scheduler, QueueListener listener, QueueConfig defaults,
			boolean autoCreate, Duration dedupWindow) {
		RedisConnections redis = RedisConnections.open(client());
		this.opened.push(redis);
		RedisQueueRegistry registry = new RedisQueueRegistry(redis, new RedisQueueRegistry.Settings(scheduler, listener,
				defaults, autoCreate, dedupWindow, 1000, this.prefix, Duration.ofSeconds(1), Duration.ofSeconds(5)));
		this.opened.push(registry);
		return registry;
	}

}
