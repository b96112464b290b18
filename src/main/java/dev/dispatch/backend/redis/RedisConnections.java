package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * The two connections one registry uses: commands (scripts, pipelined by Lettuce on one
 * connection) and wake-ups (sharded pub/sub). Works with a single server and with a
 * cluster alike.
 *
 * @param commands where scripts run
 * @param wakeups where wake-ups arrive
 * @param connection the command connection, to close
 */
public record RedisConnections(RedisClusterAsyncCommands<byte[], byte[]> commands,
		StatefulRedisPubSubConnection<byte[], byte[]> wakeups,
		StatefulConnection<byte[], byte[]> connection) implements AutoCloseable {

	/**
	 * Opens both connections with {@code client}: a {@link RedisClient} (one server) or a
	 * {@link RedisClusterClient} (a cluster), configured with its address.
	 */
	public static RedisConnections open(AbstractRedisClient client) {
		if (client instanceof RedisClusterClient cluster) {
			var connection = cluster.connect(ByteArrayCodec.INSTANCE);
			return new RedisConnections(connection.async(), cluster.connectPubSub(ByteArrayCodec.INSTANCE), connection);
		}
		if (client instanceof RedisClient single) {
			var connection = single.connect(ByteArrayCodec.INSTANCE);
			return new RedisConnections(connection.async(), single.connectPubSub(ByteArrayCodec.INSTANCE), connection);
		}
		throw new IllegalArgumentException("unsupported Redis client " + client.getClass().getName());
	}

	/**
	 * Waits until {@code replicas} replicas have acknowledged the writes made so far on
	 * the connection that writes {@code key} ({@code WAIT}: it counts the writes of that
	 * one connection, so on a cluster it goes to the connection of the key's primary).
	 * @return how many replicas acknowledged them within {@code timeout}
	 */
	CompletableFuture<Long> waitForReplicas(byte[] key, int replicas, Duration timeout) {
		if (this.connection instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster) {
			RedisClusterNode primary = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
			RedisURI uri = primary.getUri();
			return cluster.async()
				.getConnection(uri.getHost(), uri.getPort())
				.waitForReplication(replicas, timeout.toMillis())
				.toCompletableFuture();
		}
		return this.commands.waitForReplication(replicas, timeout.toMillis()).toCompletableFuture();
	}

	@Override
	public void close() {
		this.wakeups.close();
		this.connection.close();
	}

}
