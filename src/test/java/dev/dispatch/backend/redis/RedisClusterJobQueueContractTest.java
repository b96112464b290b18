package dev.dispatch.backend.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;

import dev.dispatch.support.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The queue contract on a real 3-primary Redis Cluster: a queue lives on one shard, its
 * dead-letter queue usually on another.
 */
class RedisClusterJobQueueContractTest extends RedisContractTest {

	private static RedisCluster cluster;

	private static RedisClusterClient client;

	@BeforeAll
	static void startRedis() {
		cluster = RedisCluster.start();
		client = RedisClusterClient
			.create(cluster.nodes().stream().map((node) -> RedisURI.create("redis://" + node)).toList());
	}

	@AfterAll
	static void stopRedis() {
		if (client != null) {
			client.shutdown();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Override
	protected AbstractRedisClient client() {
		return client;
	}

}
