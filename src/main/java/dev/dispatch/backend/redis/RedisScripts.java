package dev.dispatch.backend.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * The Lua scripts that change queues, each run atomically by Redis with {@code EVALSHA},
 * loaded again after a {@code NOSCRIPT} answer (a restarted or failed-over server, or a
 * new cluster node, starts without them). Every script starts with {@code prelude.lua}:
 * its keys, arguments, housekeeping and the shape of its reply.
 */
final class RedisScripts {

	/** The scripts, by file name under this package's resources. */
	enum Script {

		PUT("put"), TAKE("take"), SETTLE("settle"), RESTORE("restore"), RETRACT("retract"), CLOSE("close"),
		SNAPSHOT("snapshot"), DEFINE("define"), DELETE("delete"), OUTBOX("outbox"), FORWARDED("forwarded"),
		ARRIVE("arrive"), PAUSE("pause"), JOB("job"), PURGE("purge"), REDRIVE_PICK("redrive_pick"),
		REDRIVE_OUT("redrive_out"), JOBS("jobs"), PUT_ALL("put_all");

		private final String file;

		Script(String file) {
			this.file = file;
		}

	}

	private final RedisClusterAsyncCommands<byte[], byte[]> commands;

	private final Map<Script, byte[]> sources = new EnumMap<>(Script.class);

	private final Map<Script, String> digests = new EnumMap<>(Script.class);

	RedisScripts(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		this.commands = commands;
		String prelude = read("prelude");
		for (Script script : Script.values()) {
			byte[] source = (prelude + "\n" + read(script.file)).getBytes(StandardCharsets.UTF_8);
			this.sources.put(script, source);
			this.digests.put(script, commands.digest(source));
		}
	}

	/**
	 * Runs {@code script} on the queue of {@code keys} (all in one hash slot).
	 * @return the script's answer; failed with the driver's exception if Redis could not
	 * run it
	 */
	CompletableFuture<List<Object>> run(Script script, byte[][] keys, byte[]... args) {
		return this.commands.<List<Object>>evalsha(this.digests.get(script), ScriptOutputType.MULTI, keys, args)
			.toCompletableFuture()
			.exceptionallyCompose((failure) -> {
				if (!(unwrap(failure) instanceof RedisNoScriptException)) {
					return CompletableFuture.failedFuture(failure);
				}
				return this.commands.scriptLoad(this.sources.get(script))
					.thenCompose(
							(digest) -> this.commands.<List<Object>>evalsha(digest, ScriptOutputType.MULTI, keys, args))
					.toCompletableFuture();
			});
	}

	static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
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
