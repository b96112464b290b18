package dev.dispatch.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

import io.lettuce.core.cluster.api.async.AsyncExecutions;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The function libraries of earlier versions of Dispatch, deleted from Redis once newer
 * ones replaced them. Every version loads a library of its own ({@link RedisScripts}),
 * and Redis keeps each for good: after many deployments their code would fill Redis's
 * memory and every Lua garbage collection would walk through it.
 *
 * <p>
 * A library loaded is recorded with the time in a sorted set, {@value #REGISTRY}, shared
 * by every Dispatch on the server (libraries are the server's, not a key prefix's). After
 * each load, the {@value #KEPT} loaded last stay and every other {@code dispatch_}
 * library goes, those of versions before this record among them. So replicas of two or
 * three versions at once (a rolling update, two deployments on one Redis) keep theirs;
 * should a fourth version's load delete the library of a replica still running, that
 * replica's next call finds its functions missing and loads them again, as after a
 * failover. Deleting is housekeeping: when it fails (an ACL that forbids the key, say)
 * the load stands and the failure is logged once.
 */
final class OldLibraries {

	/** The sorted set of the libraries loaded: name, load time (ms). */
	static final String REGISTRY = "dispatch:functions";

	/** How many libraries, loaded last, are kept. */
	static final int KEPT = 3;

	private static final Pattern OURS = Pattern.compile("dispatch_[0-9a-f]{12}");

	private static final Log logger = LogFactory.getLog(OldLibraries.class);

	private final RedisClusterAsyncCommands<byte[], byte[]> commands;

	private final Clock clock;

	private volatile boolean warned;

	OldLibraries(RedisClusterAsyncCommands<byte[], byte[]> commands, Clock clock) {
		this.commands = commands;
		this.clock = clock;
	}

	/** Whether {@code name} is the name of a library Dispatch makes. */
	static boolean isOurs(String name) {
		return OURS.matcher(name).matches();
	}

	/**
	 * Records that {@code library} was just loaded, and deletes the libraries not among
	 * the {@value #KEPT} loaded last.
	 * @return completes when done; never fails
	 */
	CompletableFuture<Void> loaded(String library) {
		byte[] registry = REGISTRY.getBytes(StandardCharsets.UTF_8);
		return this.commands.zadd(registry, this.clock.millis(), bytes(library))
			.thenCompose((added) -> this.commands.zrevrange(registry, 0, KEPT - 1))
			.thenCompose((kept) -> this.commands.zremrangebyrank(registry, 0, -(KEPT + 1)).thenApply((trimmed) -> kept))
			.thenCompose((kept) -> {
				Set<String> keep = new HashSet<>();
				kept.forEach((name) -> keep.add(new String(name, StandardCharsets.UTF_8)));
				keep.add(library);
				return listed().thenCompose((names) -> deleteAll(names, keep));
			})
			.toCompletableFuture()
			.exceptionally((failure) -> {
				if (!this.warned) {
					this.warned = true;
					logger.warn("Could not delete the Redis function libraries of earlier versions of Dispatch"
							+ " (they stay; Dispatch works on): " + Failures.unwrap(failure));
				}
				return null;
			});
	}

	/** The names of Dispatch's libraries on Redis (on every primary of a cluster). */
	private CompletableFuture<Set<String>> listed() {
		List<CompletableFuture<List<Map<String, Object>>>> lists = new ArrayList<>();
		if (this.commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			AsyncExecutions<List<Map<String, Object>>> each = cluster.upstream().commands().functionList("dispatch_*");
			for (CompletableFuture<List<Map<String, Object>>> one : each.futures()) {
				lists.add(one);
			}
		}
		else {
			lists.add(this.commands.functionList("dispatch_*").toCompletableFuture());
		}
		return CompletableFuture.allOf(lists.toArray(CompletableFuture[]::new)).thenApply((done) -> {
			Set<String> names = new HashSet<>();
			for (CompletableFuture<List<Map<String, Object>>> list : lists) {
				for (Map<String, Object> library : list.join()) {
					Object value = library.get("library_name");
					String name = (value instanceof byte[] raw) ? new String(raw, StandardCharsets.UTF_8)
							: String.valueOf(value);
					if (isOurs(name)) {
						names.add(name);
					}
				}
			}
			return names;
		});
	}

	private CompletableFuture<Void> deleteAll(Set<String> names, Set<String> keep) {
		List<CompletableFuture<?>> deletions = new ArrayList<>();
		for (String name : names) {
			if (!keep.contains(name)) {
				deletions.add(delete(name));
			}
		}
		return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new));
	}

	/**
	 * Deletes library {@code name} on every primary ({@code FUNCTION DELETE}: a node
	 * without it is no failure).
	 */
	private CompletableFuture<Void> delete(String name) {
		List<CompletableFuture<Void>> all = new ArrayList<>();
		if (this.commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			for (RedisClusterNode node : cluster.getStatefulConnection().getPartitions()) {
				if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
					// asynchronously: this runs on the driver's event loop, which a
					// blocking connect would stall
					all.add(cluster.getStatefulConnection()
						.getConnectionAsync(node.getNodeId())
						.thenCompose((connection) -> deleteOn(connection.async(), name)));
				}
			}
		}
		else {
			all.add(deleteOn(this.commands, name));
		}
		return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
	}

	private static CompletableFuture<Void> deleteOn(RedisClusterAsyncCommands<byte[], byte[]> node, String name) {
		CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).add("DELETE").add(name);
		return node.dispatch(CommandType.FUNCTION, new StatusOutput<>(ByteArrayCodec.INSTANCE), args)
			.toCompletableFuture()
			.handle((deleted, failure) -> {
				Throwable cause = (failure != null) ? Failures.unwrap(failure) : null;
				if (cause != null && (cause.getMessage() == null || !cause.getMessage().contains("not found"))) {
					throw new CompletionException(cause);
				}
				return null;
			});
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
