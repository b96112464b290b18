package dev.dispatch.backend.redis;

import java.util.Collection;
import java.util.stream.Collectors;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;

import dev.dispatch.config.BackendDescription;
import dev.dispatch.config.ClosedOnStop;
import dev.dispatch.config.DispatchProperties;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.Scheduler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Wires the Redis backend ({@code dispatch.backend=redis}) on the Lettuce client that
 * Spring Boot configures from {@code spring.data.redis.*}: a single server, TLS, a
 * password or a cluster alike.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "dispatch.backend", havingValue = "redis")
class RedisBackendConfiguration {

	private static final System.Logger log = System.getLogger(RedisBackendConfiguration.class.getName());

	/**
	 * Fail fast while Redis is away: commands are refused at once instead of queueing
	 * until it is back, and none waits longer than the registry's timeout.
	 */
	@Bean
	LettuceClientOptionsBuilderCustomizer dispatchFailFast(DispatchProperties properties) {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.autoReconnect(true)
			.timeoutOptions(TimeoutOptions.enabled(properties.redis().timeout()));
	}

	/**
	 * Closes the registry's connections as the application stops, after the web server
	 * and the workers (which may use them until then) and before the connection factory:
	 * that one stops in its lifecycle phase by shutting its client down, closing every
	 * connection of it, and a connection closed again later says "Connection is already
	 * closed".
	 */
	@Bean
	ClosedOnStop redisConnectionsClosed(ConnectingRedisRegistry queueRegistry,
			LettuceConnectionFactory connectionFactory) {
		return new ClosedOnStop(queueRegistry::closeConnections, Math.addExact(connectionFactory.getPhase(), 1));
	}

	@Bean
	BackendDescription backendDescription(LettuceConnectionFactory connectionFactory, DispatchProperties properties) {
		return new BackendDescription(describe(connectionFactory, properties.redis().keyPrefix()));
	}

	/**
	 * Where the connection factory connects: a server, a cluster's nodes or a primary's
	 * sentinels, whether over TLS, and the key prefix. Never the password.
	 */
	static String describe(LettuceConnectionFactory connectionFactory, String keyPrefix) {
		return "in " + where(connectionFactory) + ", keys under '" + keyPrefix + ":'";
	}

	/** Where the connection factory connects, as {@link #describe} says it. */
	private static String where(LettuceConnectionFactory connectionFactory) {
		String where;
		if (connectionFactory.isClusterAware()) {
			where = "the Redis Cluster of " + nodes(connectionFactory.getClusterConfiguration().getClusterNodes());
		}
		else if (connectionFactory.isRedisSentinelAware()) {
			RedisSentinelConfiguration sentinel = connectionFactory.getSentinelConfiguration();
			where = "Redis primary '%s' of the sentinels %s".formatted(sentinel.getMaster().getName(),
					nodes(sentinel.getSentinels()));
		}
		else {
			RedisStandaloneConfiguration server = connectionFactory.getStandaloneConfiguration();
			where = "Redis at %s:%d".formatted(server.getHostName(), server.getPort())
					+ ((server.getDatabase() != 0) ? ", database " + server.getDatabase() : "");
		}
		return where + (connectionFactory.isUseSsl() ? " over TLS" : "");
	}

	private static String nodes(Collection<RedisNode> nodes) {
		return nodes.stream().map(RedisNode::asString).sorted().collect(Collectors.joining(", "));
	}

	/**
	 * The queues in Redis, on connections made with the connection factory's Lettuce
	 * client; closed as the bean is destroyed, its connections by
	 * {@link #redisConnectionsClosed}. If Redis does not answer yet, the service starts
	 * all the same, not ready, and connects as soon as it does.
	 */
	@Bean(destroyMethod = "close")
	ConnectingRedisRegistry queueRegistry(DispatchProperties properties, Scheduler queueScheduler,
			ObjectProvider<QueueListener> listeners, LettuceConnectionFactory connectionFactory) {
		DispatchProperties.Redis settings = properties.redis();
		RedisQueueRegistry.Settings registry = new RedisQueueRegistry.Settings(queueScheduler,
				QueueListener.allOf(listeners.orderedStream().toList()), properties.defaults().toQueueConfig(),
				properties.autoCreate(), properties.dedupWindow(), properties.maxQueues(), settings.keyPrefix(),
				settings.recheckPeriod(), settings.timeout(), settings.waitReplicas());
		return new ConnectingRedisRegistry(() -> RedisConnections.open(connectionFactory.getRequiredNativeClient()),
				(connections) -> warnUnlessNoEviction(new RedisQueueRegistry(connections, registry)),
				registry.defaults(), registry.autoCreate(), settings.recheckPeriod(), where(connectionFactory));
	}

	/**
	 * Redis may evict keys under memory pressure unless {@code maxmemory-policy} is
	 * {@code noeviction}: evicted keys would be lost jobs.
	 */
	private static RedisQueueRegistry warnUnlessNoEviction(RedisQueueRegistry registry) {
		String policy = registry.evictionPolicy().orElse(null);
		if (policy != null && !"noeviction".equals(policy)) {
			log.log(System.Logger.Level.WARNING,
					"Redis maxmemory-policy is '" + policy + "': Redis may evict queued jobs when its memory is full. "
							+ "Set maxmemory-policy noeviction (puts then answer 503 storage-full instead).");
		}
		return registry;
	}

}
