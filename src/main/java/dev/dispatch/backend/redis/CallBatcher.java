package dev.dispatch.backend.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.RedisCommandExecutionException;

import dev.dispatch.backend.redis.RedisScripts.Script;

/**
 * Sends one queue's calls to Redis, one call out at a time: a call that comes while
 * another is out waits, and when that one is answered, the puts, takes and settles that
 * waited go together as one call of {@code many.lua}, which runs them in the order they
 * came, each as it would run alone (any other call goes alone, in its turn). An idle
 * queue's call goes at once; a busy queue's calls share what a call costs Redis (the call
 * itself, reading and writing back the queue's state, the network round trip), which is
 * most of what a single job costs it.
 *
 * <p>
 * Order is kept: calls run in the order they came, as the waiting room expects (parked
 * takes are tried oldest first, a take's try runs before the put told to hand it a job if
 * it found none, a snapshot sees what was settled before it).
 */
final class CallBatcher {

	/** At most this many operations go in one call. */
	static final int MAX_OPERATIONS = 64;

	/** And about this many bytes of their arguments (a larger single one goes alone). */
	static final long MAX_BYTES = 1 << 20;

	/** Runs a script on this queue with the arguments after the prelude's. */
	@FunctionalInterface
	interface Sender {

		CompletableFuture<List<Object>> run(Script script, List<byte[]> args);

	}

	private record Call(Script script, List<byte[]> args, long bytes, CompletableFuture<ScriptReply> reply) {
	}

	private final Sender sender;

	private final ReentrantLock lock = new ReentrantLock();

	/** Calls that came while one was out. Guarded by lock. */
	private final ArrayDeque<Call> waiting = new ArrayDeque<>();

	/** Whether a call is out. Guarded by lock. */
	private boolean out;

	CallBatcher(Sender sender) {
		this.sender = sender;
	}

	/**
	 * Runs {@code script} on the queue, now or after the call that is out.
	 * @return the script's answer, as if it had run alone
	 */
	CompletableFuture<ScriptReply> run(Script script, List<byte[]> args) {
		long bytes = 0;
		for (byte[] arg : args) {
			bytes += arg.length;
		}
		Call call = new Call(script, args, bytes, new CompletableFuture<>());
		this.lock.lock();
		try {
			if (this.out) {
				this.waiting.add(call);
				return call.reply();
			}
			this.out = true;
		}
		finally {
			this.lock.unlock();
		}
		send(List.of(call));
		return call.reply();
	}

	private void send(List<Call> calls) {
		CompletableFuture<List<Object>> sent;
		try {
			sent = (calls.size() == 1) ? this.sender.run(calls.getFirst().script(), calls.getFirst().args())
					: this.sender.run(Script.MANY, together(calls));
		}
		catch (RuntimeException ex) {
			sent = CompletableFuture.failedFuture(ex);
		}
		sent.whenComplete((raw, failure) -> {
			if (failure == null) {
				answerEach(calls, raw);
				next();
			}
			else if (calls.size() > 1 && isOutOfMemory(failure)) {
				// refused before it ran: on their own, takes and settles run, puts are
				// refused
				alone(calls).whenComplete((done, ignored) -> next());
			}
			else {
				failWaiting(failure);
				calls.forEach((call) -> call.reply().completeExceptionally(failure));
				next();
			}
		});
	}

	/** Sends the calls that waited, if any, together. */
	private void next() {
		List<Call> calls = new ArrayList<>();
		this.lock.lock();
		try {
			long bytes = 0;
			while (!this.waiting.isEmpty() && calls.size() < MAX_OPERATIONS) {
				Call call = this.waiting.peek();
				if (!calls.isEmpty() && (!together(call.script()) || !together(calls.getFirst().script())
						|| bytes + call.bytes() > MAX_BYTES)) {
					break;
				}
				calls.add(this.waiting.poll());
				bytes += call.bytes();
			}
			if (calls.isEmpty()) {
				this.out = false;
				return;
			}
		}
		finally {
			this.lock.unlock();
		}
		send(calls);
	}

	/**
	 * Redis did not answer a call (the connection failed, or it took too long): the calls
	 * that waited behind it fail with it rather than wait as long again. None of them has
	 * run.
	 */
	private void failWaiting(Throwable failure) {
		if (Failures.unwrap(failure) instanceof RedisCommandExecutionException) {
			return;
		}
		List<Call> failed;
		this.lock.lock();
		try {
			failed = List.copyOf(this.waiting);
			this.waiting.clear();
		}
		finally {
			this.lock.unlock();
		}
		failed.forEach((call) -> call.reply().completeExceptionally(failure));
	}

	/** Sends the calls each on its own, all at once (Redis runs them in this order). */
	private CompletableFuture<Void> alone(List<Call> calls) {
		CompletableFuture<?>[] each = new CompletableFuture<?>[calls.size()];
		for (int i = 0; i < calls.size(); i++) {
			Call call = calls.get(i);
			each[i] = this.sender.run(call.script(), call.args()).whenComplete((raw, failure) -> {
				if (failure != null) {
					call.reply().completeExceptionally(failure);
				}
				else {
					answerEach(List.of(call), raw);
				}
			});
		}
		return CompletableFuture.allOf(each);
	}

	/** Whether a script's calls may go together with others. */
	private static boolean together(Script script) {
		return script == Script.PUT || script == Script.TAKE || script == Script.SETTLE;
	}

	/** {@code many.lua}'s arguments: per call its operation, how many arguments, them. */
	private static List<byte[]> together(List<Call> calls) {
		int size = 0;
		for (Call call : calls) {
			size += 2 + call.args().size();
		}
		List<byte[]> args = new ArrayList<>(size);
		for (Call call : calls) {
			args.add(call.script().opName());
			args.add(Integer.toString(call.args().size()).getBytes(StandardCharsets.US_ASCII));
			args.addAll(call.args());
		}
		return args;
	}

	/**
	 * Gives each call its answer read from {@code raw}, or, if that answer cannot be
	 * read, the failure to read it (no call is left without an answer).
	 */
	private static void answerEach(List<Call> calls, List<Object> raw) {
		try {
			answer(calls, raw);
		}
		catch (RuntimeException ex) {
			calls.forEach((call) -> call.reply().completeExceptionally(ex));
		}
	}

	/**
	 * Gives each call its answer: alone, it is the answer; together, many.lua's answer
	 * holds each one's without a state, and the state after them all, which each gets
	 * (the counts of what the scripts did, such as leases found run out, only the first:
	 * they are counted once). The state is read once for them all; the calls are answered
	 * only once every answer is read.
	 */
	@SuppressWarnings("unchecked")
	private static void answer(List<Call> calls, List<Object> raw) {
		if (calls.size() == 1) {
			calls.getFirst().reply().complete(ScriptReply.of(raw));
			return;
		}
		if (!"many".equals(ScriptReply.text(raw.get(0)))) {
			// the queue is gone: each is answered so
			ScriptReply gone = ScriptReply.of(raw);
			calls.forEach((call) -> call.reply().complete(gone));
			return;
		}
		ScriptReply.State state = ScriptReply.stateOf((List<Object>) raw.get(1));
		ScriptReply.State quiet = (state != null) ? state.untallied() : null;
		ScriptReply[] replies = new ScriptReply[calls.size()];
		for (int i = 0; i < replies.length; i++) {
			List<Object> own = (List<Object>) raw.get(2 + i);
			replies[i] = new ScriptReply(ScriptReply.text(own.get(0)), (i == 0) ? state : quiet,
					own.subList(2, own.size()));
		}
		for (int i = 0; i < replies.length; i++) {
			calls.get(i).reply().complete(replies[i]);
		}
	}

	static boolean isOutOfMemory(Throwable failure) {
		Throwable cause = Failures.unwrap(failure);
		return cause instanceof RedisCommandExecutionException && cause.getMessage() != null
				&& cause.getMessage().startsWith("OOM");
	}

}
