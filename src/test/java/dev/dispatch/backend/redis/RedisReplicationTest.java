package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.ManualScheduler;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.support.RedisServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code dispatch.redis.wait-replicas}: a put is answered accepted only once a replica
 * has it ({@code WAIT}); without the replica, it answers backend-unavailable while the
 * job stays in the queue.
 */
class RedisReplicationTest {

	private RedisServer primary;

	private RedisServer replica;

	private RedisClient client;

	private RedisConnections redis;

	private RedisQueueRegistry registry;

	@AfterEach
	void stop() {
		if (this.registry != null) {
			this.registry.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
		if (this.client != null) {
			this.client.shutdown();
		}
		if (this.replica != null) {
			this.replica.close();
		}
		if (this.primary != null) {
			this.primary.close();
		}
	}

	@Test
	void aPutIsAcceptedOnceAReplicaHasIt() throws Exception {
		this.primary = RedisServer.start();
		this.replica = RedisServer.start("replicaof 127.0.0.1 " + this.primary.port());
		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.until(() -> this.primary.command("INFO", "replication").contains("state=online"));
		this.client = RedisClient.create(this.primary.uri());
		this.redis = RedisConnections.open(this.client);
		this.registry = new RedisQueueRegistry(this.redis,
				new RedisQueueRegistry.Settings(new ManualScheduler(), QueueListener.NONE, QueueConfig.DEFAULTS, true,
						Duration.ofMinutes(10), 100, "replicated", Duration.ofSeconds(1), Duration.ofSeconds(2), 1));
		JobQueue queue = this.registry.obtain("q");

		assertThat(put(queue, "kept").get(5, TimeUnit.SECONDS)).isInstanceOf(PutOutcome.Accepted.class);
		assertThat(this.replica.command("LLEN", "replicated:{q}:ready")).as("the replica has the job").isEqualTo("1");

		this.replica.kill();
		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.until(() -> this.primary.command("INFO", "replication").contains("connected_slaves:0"));
		CompletableFuture<PutOutcome> unconfirmed = put(queue, "unconfirmed");
		assertThatThrownBy(() -> unconfirmed.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(BackendUnavailableException.class)
			.hasMessageContaining("replicas");
		assertThat(queue.snapshot().get(5, TimeUnit.SECONDS).size())
			.as("a put no replica confirmed is still in the queue")
			.isEqualTo(2);
	}

	private static CompletableFuture<PutOutcome> put(JobQueue queue, String payload) {
		return queue.put(Payload.of("\"" + payload + "\""), PutOptions.noWait());
	}

}
