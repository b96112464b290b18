package dev.dispatch.backend.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.dispatch.backend.redis.RedisScripts.Script;
import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.Ids;
import dev.dispatch.queue.job.JobInfo;
import dev.dispatch.queue.job.Lane;
import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.Redrive;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TraceContext;
import dev.dispatch.queue.spi.PutAttempt;

import static dev.dispatch.backend.redis.QueueKeys.bytes;

/**
 * One typed call per Lua script: the arguments each script takes, by name, in the order
 * it reads them (the scripts' own comments say what they answer). Every call passes what
 * all scripts take first (see {@code prelude.lua}): the caller's clock as "now", the
 * generation of the queue it means ({@code ""}: whichever exists), the queue's wake
 * channel and this replica's id (so that it does not wake itself).
 */
final class QueueScripts {

	private static final byte[] NONE = new byte[0];

	/*
	 * Arguments that are the same in every call, made once: Lettuce only reads the
	 * arguments it is given.
	 */

	private static final byte[] ZERO = bytes("0");

	private static final byte[] ONE = bytes("1");

	private static final byte[] TWO = bytes("2");

	private final RedisScripts scripts;

	private final Scheduler scheduler;

	/** This replica's id: the message of the wake-ups its own scripts publish. */
	private final byte[] replica;

	/**
	 * @param scripts runs the scripts
	 * @param scheduler whose clock is "now" for every script
	 * @param replica this replica's id
	 */
	QueueScripts(RedisScripts scripts, Scheduler scheduler, byte[] replica) {
		this.scripts = scripts;
		this.scheduler = scheduler;
		this.replica = replica;
	}

	/**
	 * The sender of the calls of one queue (one generation of it), one out at a time: the
	 * puts, takes and settles that come meanwhile go together.
	 */
	CallBatcher batcher(QueueKeys queue, byte[] generation) {
		return new CallBatcher(
				(script, args) -> this.scripts.run(script, queue.keys(), prelude(queue.channel(), generation, args)));
	}

	/**
	 * A single put's try ({@code put.lua}): its job, whether it only looks its key up,
	 * and the take its job is handed to, if any.
	 */
	CompletableFuture<ScriptReply> put(CallBatcher calls, PutAttempt attempt, Duration dedupWindow) {
		NewJob job = attempt.job();
		byte[] handOff = switch (attempt.handOff()) {
			case NONE -> ZERO;
			case PARKED -> ONE;
			case IF_NONE_READY -> TWO;
		};
		List<byte[]> args = new ArrayList<>(14);
		args.add(bytes(attempt.id()));
		args.add(job.payload().toByteArray());
		args.add(text(job.idempotencyKey()));
		args.add(millis(dedupWindow));
		args.add(flag(attempt.lookUpOnly()));
		args.add(handOff);
		args.add(bytes(Long.toString(delayMillis(job.delay()))));
		args.add(trace(job.trace()));
		args.add(lane(job.lane()));
		args.add(flag(attempt.repeatable()));
		if (attempt.handTo() != null) {
			addTakeArguments(args, attempt.handTo());
		}
		return calls.run(Script.PUT, args);
	}

	/** A batch put's try ({@code put_all.lua}): its jobs, in order. */
	CompletableFuture<ScriptReply> putAll(CallBatcher calls, PutAttempt attempt, Duration dedupWindow) {
		List<byte[]> args = new ArrayList<>(2 + attempt.jobs().size() * 6);
		args.add(millis(dedupWindow));
		args.add(flag(attempt.repeatable()));
		for (int i = 0; i < attempt.jobs().size(); i++) {
			NewJob job = attempt.jobs().get(i);
			args.add(bytes(attempt.ids().get(i)));
			args.add(job.payload().toByteArray());
			args.add(text(job.idempotencyKey()));
			args.add(bytes(Long.toString(delayMillis(job.delay()))));
			args.add(trace(job.trace()));
			args.add(lane(job.lane()));
		}
		return calls.run(Script.PUT_ALL, args);
	}

	/**
	 * A take's try ({@code take.lua}), settling leases first (as {@link #settle} takes
	 * them).
	 */
	CompletableFuture<ScriptReply> take(CallBatcher calls, TakeOptions options, List<Settle> settleFirst) {
		List<byte[]> args = new ArrayList<>(4 + settleFirst.size() * 3);
		addTakeArguments(args, options);
		addSettlements(args, settleFirst);
		return calls.run(Script.TAKE, args);
	}

	/**
	 * Settles leases in order ({@code settle.lua}): per lease its id, the action, and the
	 * nack's delay or the extension's length in ms.
	 */
	CompletableFuture<ScriptReply> settle(CallBatcher calls, List<Settle> settlements) {
		List<byte[]> args = new ArrayList<>(settlements.size() * 3);
		addSettlements(args, settlements);
		return calls.run(Script.SETTLE, args);
	}

	private static void addSettlements(List<byte[]> args, List<Settle> settlements) {
		for (Settle settlement : settlements) {
			args.add(bytes(settlement.leaseId()));
			args.add(bytes(settlement.action().label()));
			args.add((settlement.duration() != null) ? millis(settlement.duration())
					: (settlement.action() == Settle.Action.NACK) ? ZERO : NONE);
		}
	}

	/**
	 * Puts back jobs settled at delivery that reached no consumer ({@code restore.lua}):
	 * per job its id, payload, attempt, enqueued time, origin, trace and lane.
	 */
	CompletableFuture<ScriptReply> restore(CallBatcher calls, List<Delivery> deliveries) {
		List<byte[]> args = new ArrayList<>(deliveries.size() * 7);
		for (Delivery delivery : deliveries) {
			args.add(bytes(delivery.jobId()));
			args.add(delivery.payload().toByteArray());
			args.add(bytes(Integer.toString(delivery.attempt())));
			args.add(bytes(Long.toString(delivery.enqueuedAt().toEpochMilli())));
			args.add(origin(delivery.deadLetter()));
			args.add(trace(delivery.trace()));
			args.add(lane(delivery.lane()));
		}
		return calls.run(Script.RESTORE, args);
	}

	/**
	 * Takes back a withdrawn put's job ({@code retract.lua}), by its hand-off's lease.
	 */
	CompletableFuture<ScriptReply> retract(CallBatcher calls, String jobId, String leaseId) {
		return calls.run(Script.RETRACT, List.of(bytes(jobId), text(leaseId)));
	}

	/** Closes the queue ({@code close.lua}). */
	CompletableFuture<ScriptReply> close(CallBatcher calls, CloseMode mode) {
		return calls.run(Script.CLOSE, List.of(flag(mode == CloseMode.IMMEDIATE)));
	}

	/** Brings the queue up to now and reads it ({@code snapshot.lua}). */
	CompletableFuture<ScriptReply> snapshot(CallBatcher calls) {
		return calls.run(Script.SNAPSHOT, List.of());
	}

	/** {@link #snapshot(CallBatcher)} of a queue this replica may not serve. */
	CompletableFuture<ScriptReply> snapshot(QueueKeys queue, byte[] generation) {
		return run(Script.SNAPSHOT, queue, generation, List.of());
	}

	/**
	 * Creates or changes a queue ({@code define.lua}): the generation a new one gets, its
	 * settings, and whether to leave an existing one as it is.
	 */
	CompletableFuture<ScriptReply> define(QueueKeys queue, byte[] generation, String newGeneration, QueueConfig config,
			boolean createOnly) {
		return run(Script.DEFINE, queue, generation, defineArguments(queue, newGeneration, config, createOnly));
	}

	/** Changes the settings of the queue {@code calls} serves ({@code define.lua}). */
	CompletableFuture<ScriptReply> configure(CallBatcher calls, QueueKeys queue, QueueConfig config) {
		return calls.run(Script.DEFINE, defineArguments(queue, "", config, false));
	}

	private List<byte[]> defineArguments(QueueKeys queue, String newGeneration, QueueConfig config,
			boolean createOnly) {
		return List.of(bytes(newGeneration), bytes(Integer.toString(config.capacity())), millis(config.leaseTimeout()),
				bytes(Integer.toString(config.maxAttempts())), text(config.deadLetterQueue()),
				deadLetterTarget(config, queue.name()), flag(createOnly), bytes(Integer.toString(config.maxInFlight())),
				bytes(Integer.toString(config.maxLeasesPerSecond())),
				bytes(Integer.toString(config.maxInFlightPerGroup())));
	}

	/** Deletes a queue, whichever generation ({@code delete.lua}). */
	CompletableFuture<ScriptReply> delete(QueueKeys queue, boolean discard) {
		return run(Script.DELETE, queue, NONE, List.of(flag(discard)));
	}

	/** Pauses or resumes delivery ({@code pause.lua}). */
	CompletableFuture<ScriptReply> pause(CallBatcher calls, boolean paused) {
		return calls.run(Script.PAUSE, List.of(flag(paused)));
	}

	/** Throws every ready and delayed job away ({@code purge.lua}). */
	CompletableFuture<ScriptReply> purge(CallBatcher calls) {
		return calls.run(Script.PURGE, List.of());
	}

	/** Looks a job up ({@code job.lua}). */
	CompletableFuture<ScriptReply> job(CallBatcher calls, String id) {
		return calls.run(Script.JOB, List.of(bytes(id)));
	}

	/** Lists a page of jobs in one state ({@code jobs.lua}). */
	CompletableFuture<ScriptReply> jobs(CallBatcher calls, JobInfo.State state, String after, int limit) {
		return calls.run(Script.JOBS, List.of(bytes(state.label()), text(after), bytes(Integer.toString(limit))));
	}

	/**
	 * Picks a dead-letter queue's jobs for a redrive ({@code redrive_pick.lua}): at most
	 * {@code max}, of the home queues and ids the redrive names.
	 */
	CompletableFuture<ScriptReply> redrivePick(QueueKeys queue, Redrive which) {
		List<byte[]> args = new ArrayList<>();
		args.add(bytes(Integer.toString(which.max())));
		args.add(bytes(Integer.toString(which.homes().size())));
		which.homes().forEach((home) -> args.add(bytes(home)));
		which.ids().forEach((id) -> args.add(bytes(id)));
		return run(Script.REDRIVE_PICK, queue, NONE, args);
	}

	/**
	 * Moves chosen jobs of a dead-letter queue to its outbox, each to its home
	 * ({@code redrive_out.lua}): pairs of job id and home queue.
	 */
	CompletableFuture<ScriptReply> redriveOut(QueueKeys queue, List<String[]> jobsAndHomes) {
		List<byte[]> args = new ArrayList<>(jobsAndHomes.size() * 2);
		for (String[] jobAndHome : jobsAndHomes) {
			args.add(bytes(jobAndHome[0]));
			args.add(bytes(jobAndHome[1]));
		}
		return run(Script.REDRIVE_OUT, queue, NONE, args);
	}

	/**
	 * Reads the head of a queue's dead-letter outbox ({@code outbox.lua}): at most
	 * {@code count} jobs, fewer once their payloads reach {@code bytes}.
	 */
	CompletableFuture<ScriptReply> outbox(QueueKeys queue, int count, int bytes) {
		return this.scripts
			.run(Script.OUTBOX, queue.keys(),
					prelude(NONE, NONE, List.of(bytes(Integer.toString(count)), bytes(Integer.toString(bytes)))))
			.thenApply(ScriptReply::of);
	}

	/**
	 * Takes jobs that reached their dead-letter queue out of an outbox
	 * ({@code forwarded.lua}).
	 */
	CompletableFuture<ScriptReply> forwarded(QueueKeys queue, List<byte[]> ids) {
		return this.scripts.run(Script.FORWARDED, queue.keys(), prelude(NONE, NONE, ids)).thenApply(ScriptReply::of);
	}

	/**
	 * Places jobs from another queue on a queue, creating it with {@code defaults} if
	 * need be ({@code arrive.lua}): per job its id, payload, origin ({@code ""} for a job
	 * going home from a redrive, as a fresh one), trace and lane.
	 */
	CompletableFuture<ScriptReply> arrive(QueueKeys queue, String newGeneration, QueueConfig defaults,
			List<byte[][]> jobs) {
		List<byte[]> args = new ArrayList<>(5 + jobs.size() * 5);
		args.add(bytes(newGeneration));
		args.add(bytes(Integer.toString(defaults.capacity())));
		args.add(millis(defaults.leaseTimeout()));
		args.add(bytes(Integer.toString(defaults.maxAttempts())));
		args.add(deadLetterTarget(defaults, queue.name()));
		for (byte[][] job : jobs) {
			args.add(job[0]);
			args.add(job[1]);
			args.add(job[2]);
			args.add(job[3]);
			args.add(job[4]);
		}
		return run(Script.ARRIVE, queue, NONE, args);
	}

	/**
	 * A lane as the scripts keep it: its priority's digit, then its group; empty for the
	 * default lane.
	 */
	static byte[] lane(Lane lane) {
		if (lane.isDefault()) {
			return NONE;
		}
		return bytes(lane.priority() + ((lane.group() != null) ? lane.group() : ""));
	}

	/** A lane as the scripts keep it, read back: the default for none. */
	static Lane lane(Object value) {
		String text = ScriptReply.text(value);
		if (text == null || text.isEmpty()) {
			return Lane.DEFAULT;
		}
		return Lane.of(text.charAt(0) - '0', (text.length() > 1) ? text.substring(1) : null);
	}

	/** Where the queue's dead letters go, as the scripts keep it: empty for nowhere. */
	private static byte[] deadLetterTarget(QueueConfig config, String queue) {
		return config.hasDeadLetterQueue() ? bytes(config.deadLetterQueueFor(queue)) : NONE;
	}

	/** A trace context as the scripts keep it: traceparent, then tracestate, or empty. */
	static byte[] trace(TraceContext trace) {
		if (trace == null) {
			return NONE;
		}
		return bytes(
				(trace.tracestate() != null) ? trace.traceparent() + "\n" + trace.tracestate() : trace.traceparent());
	}

	/** A trace context as the scripts keep it, read back; {@code null} for none. */
	static TraceContext trace(Object value) {
		String text = ScriptReply.text(value);
		if (text == null || text.isEmpty()) {
			return null;
		}
		int newline = text.indexOf('\n');
		return (newline < 0) ? new TraceContext(text, null)
				: new TraceContext(text.substring(0, newline), text.substring(newline + 1));
	}

	/**
	 * A dead-letter origin as the scripts keep it: queue, reason and attempts, or empty.
	 */
	static byte[] origin(DeadLetter origin) {
		return (origin != null) ? bytes(origin.queue() + "\n" + origin.reason().label() + "\n" + origin.attempts())
				: NONE;
	}

	private CompletableFuture<ScriptReply> run(Script script, QueueKeys queue, byte[] generation, List<byte[]> args) {
		return this.scripts.run(script, queue.keys(), prelude(queue.channel(), generation, args))
			.thenApply(ScriptReply::of);
	}

	/** Now, the generation, the wake channel and this replica's id, then {@code args}. */
	private byte[][] prelude(byte[] channel, byte[] generation, List<byte[]> args) {
		byte[][] all = new byte[args.size() + 4][];
		all[0] = bytes(Long.toString(this.scheduler.now().toEpochMilli()));
		all[1] = generation;
		all[2] = channel;
		all[3] = this.replica;
		for (int i = 0; i < args.size(); i++) {
			all[i + 4] = args.get(i);
		}
		return all;
	}

	/**
	 * Adds a take's arguments to a script: max, lease, auto-ack, and the secret token of
	 * its lease ids (one per take: each lease id is the job's id and this token).
	 */
	private static void addTakeArguments(List<byte[]> args, TakeOptions options) {
		args.add((options.max() == 1) ? ONE : bytes(Integer.toString(options.max())));
		args.add((options.lease() != null) ? millis(options.lease()) : NONE);
		args.add(flag(options.autoAck()));
		args.add(options.autoAck() ? NONE : bytes(Ids.newLeaseId()));
	}

	/** A put's delay in Redis's milliseconds; a positive one is at least 1. */
	private static long delayMillis(Duration delay) {
		return delay.isPositive() ? Math.max(1, delay.toMillis()) : 0;
	}

	private static byte[] millis(Duration duration) {
		return bytes(Long.toString(duration.toMillis()));
	}

	private static byte[] flag(boolean on) {
		return on ? ONE : ZERO;
	}

	/** A text argument, or empty for {@code null}. */
	private static byte[] text(String value) {
		return (value != null) ? bytes(value) : NONE;
	}

}
