package dev.dispatch.backend.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.AsyncExecutions;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * The operations on queues, one Redis function each ({@code FCALL}), atomic in Redis: a
 * library of Lua made of {@code prelude.lua} (the helpers, defined once when the library
 * is loaded) and one function per other file of this package's resources (each file's
 * body is also kept by name in the prelude's {@code OPS}, for {@code many.lua}).
 * Functions outlive a restart with persistence and a failover (Redis keeps and replicates
 * them); a node that does not have them (a fresh server, a new cluster node) gets the
 * library when a call finds it missing, and the call is made again.
 *
 * <p>
 * The library's name, and its functions', carry a digest of its source: replicas of two
 * versions of Dispatch on one Redis (a rolling update) each call their own; after a load,
 * the libraries of versions no longer loaded go ({@link OldLibraries}).
 */
final class RedisScripts {

	/** The operations, by file name under this package's resources. */
	enum Script {

		PUT("put", false), TAKE("take"), SETTLE("settle"), RESTORE("restore"), RETRACT("retract"), CLOSE("close"),
		SNAPSHOT("snapshot"), DEFINE("define", false), DELETE("delete"), OUTBOX("outbox"), FORWARDED("forwarded"),
		ARRIVE("arrive"), PAUSE("pause"), JOB("job"), PURGE("purge"), REDRIVE_PICK("redrive_pick"),
		REDRIVE_OUT("redrive_out"), JOBS("jobs"), PUT_ALL("put_all", false),

		/**
		 * Puts, takes and settles in one call: refused on a Redis out of memory, as puts
		 * are; its operations are then sent on their own.
		 */
		MANY("many", false);

		private final String file;

		/** {@link #file}, as {@code many.lua} reads it among its arguments. */
		private final byte[] opName;

		/**
		 * Whether it runs on a Redis out of memory ({@code allow-oom}): everything but
		 * accepting new jobs and queues, so that consumers drain a full Redis and jobs
		 * already accepted (dead letters, jobs handed back) are never refused.
		 */
		private final boolean whenFull;

		Script(String file) {
			this(file, true);
		}

		Script(String file, boolean whenFull) {
			this.file = file;
			this.opName = file.getBytes(StandardCharsets.US_ASCII);
			this.whenFull = whenFull;
		}

		/**
		 * Its name in the library's {@code OPS} (and its file's), as an argument: made
		 * once, never changed (Lettuce only reads it).
		 */
		byte[] opName() {
			return this.opName;
		}

	}

	private final RedisClusterAsyncCommands<byte[], byte[]> commands;

	/** The library's name: {@code dispatch_} and a digest of its source. */
	private final String name;

	/** The library's source, as {@code FUNCTION LOAD} takes it. */
	private final String library;

	/** Deletes the libraries of earlier versions after each load. */
	private final OldLibraries old;

	private final Map<Script, String> functions = new EnumMap<>(Script.class);

	/**
	 * The load under way, if any: calls that find the library missing together share it.
	 */
	private final AtomicReference<CompletableFuture<Void>> loading = new AtomicReference<>();

	RedisScripts(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		this.commands = commands;
		this.old = new OldLibraries(commands, Clock.systemUTC());
		StringBuilder body = new StringBuilder(read("prelude")).append('\n');
		StringBuilder all = new StringBuilder();
		for (Script script : Script.values()) {
			all.append(read(script.file));
		}
		String name = "dispatch_" + digest(body + all.toString());
		this.name = name;
		for (Script script : Script.values()) {
			String function = name + "_" + script.file;
			this.functions.put(script, function);
			body.append("OPS['")
				.append(script.file)
				.append("'] = function()\n")
				.append(read(script.file))
				.append("\nend\nredis.register_function{function_name = '")
				.append(function)
				.append("', flags = { ")
				.append(script.whenFull ? "'allow-oom'" : "")
				.append(" }, callback = function(keys, args)\nbegin(keys, args)\nreturn OPS['")
				.append(script.file)
				.append("']()\nend}\n");
		}
		this.library = "#!lua name=" + name + "\n" + body;
	}

	/**
	 * Runs {@code script} on the queue of {@code keys} (all in one hash slot).
	 * @return the script's answer; failed with the driver's exception if Redis could not
	 * run it
	 */
	CompletableFuture<List<Object>> run(Script script, byte[][] keys, byte[]... args) {
		String function = this.functions.get(script);
		return this.commands.<List<Object>>fcall(function, ScriptOutputType.MULTI, keys, args)
			.toCompletableFuture()
			.exceptionallyCompose((failure) -> {
				if (!isMissing(Failures.unwrap(failure))) {
					return CompletableFuture.failedFuture(failure);
				}
				return load().thenCompose(
						(loaded) -> this.commands.<List<Object>>fcall(function, ScriptOutputType.MULTI, keys, args)
							.toCompletableFuture());
			});
	}

	/**
	 * Loads the library into Redis: into every primary of a cluster (one call only finds
	 * its own node without it, but the others are as likely to need it).
	 */
	CompletableFuture<Void> load() {
		CompletableFuture<Void> current = this.loading.get();
		if (current != null && !current.isDone()) {
			return current;
		}
		CompletableFuture<Void> fresh = new CompletableFuture<>();
		if (!this.loading.compareAndSet(current, fresh)) {
			return load();
		}
		loadNow().whenComplete((done, failure) -> {
			if (failure != null) {
				fresh.completeExceptionally(failure);
			}
			else {
				fresh.complete(null);
			}
		});
		return fresh;
	}

	private CompletableFuture<Void> loadNow() {
		CompletableFuture<Void> loaded;
		if (this.commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			AsyncExecutions<String> loads = cluster.upstream().commands().functionLoad(this.library, true);
			loaded = CompletableFuture.allOf(loads.futures());
		}
		else {
			loaded = this.commands.functionLoad(this.library, true).toCompletableFuture().thenApply((done) -> null);
		}
		return loaded.thenCompose((done) -> this.old.loaded(this.name));
	}

	/** Whether Redis answered that a function is not there (so the library is not). */
	private static boolean isMissing(Throwable failure) {
		return failure instanceof RedisCommandExecutionException && failure.getMessage() != null
				&& failure.getMessage().contains("Function not found");
	}

	private static String digest(String source) {
		try {
			byte[] sha = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(sha, 0, 6);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("the JDK has no SHA-256", ex);
		}
	}

	private static String read(String name) {
		try (InputStream in = RedisScripts.class.getResourceAsStream(name + ".lua")) {
			if (in == null) {
				throw new IllegalStateException("script " + name + ".lua is missing");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
