package dev.dispatch.backend.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.netty.util.concurrent.FastThreadLocalThread;

import dev.dispatch.queue.BackendUnavailableException;
import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.GroupCount;
import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.JobInfo;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.Settled;
import dev.dispatch.queue.spi.PutAttempt;
import dev.dispatch.queue.spi.PutResult;
import dev.dispatch.queue.spi.QueueStore;
import dev.dispatch.queue.spi.StoreAnswer;
import dev.dispatch.queue.spi.StoreEvents;
import dev.dispatch.queue.spi.StoreLook;
import dev.dispatch.queue.spi.TakeAttempt;
import dev.dispatch.queue.spi.TakeResult;

/**
 * One queue kept in Redis, as one generation of it: it survives restarts of Dispatch and
 * is shared by every replica that uses the same Redis and key prefix. Each operation is
 * one Lua script ({@link QueueScripts}), atomic in Redis, run with the replica's clock as
 * "now"; its answer comes on a Redis I/O thread.
 */
final class RedisQueueStore implements QueueStore {

	/*-
	 * Design notes.
	 *
	 * Every script first brings the queue up to now (delayed jobs that fell due, leases
	 * that ran out) and answers the queue's state after it; the state's nextDue tells the
	 * room when to look again (the store keeps no timers of its own). A script that moved
	 * jobs to the dead-letter outbox is answered only once they have reached their
	 * dead-letter queue (DeadLetterForwarder.after). Scripts that change what a parked
	 * request elsewhere could get publish on the queue's wake channel; the room watches
	 * it (WakeChannel) while it has requests parked.
	 *
	 * Scripts go through the store's CallBatcher, one call out at a time: the puts, takes
	 * and settles that came while one was out go together in one call (many.lua), run in
	 * the order they came. Answers are handled as they arrive.
	 *
	 * A queue deleted and created again under the same name is a new generation: scripts
	 * carry this store's generation and answer "missing" for any other, so a room never
	 * serves a queue it did not start with.
	 */

	private final QueueKeys keys;

	private final byte[] generation;

	private final Settings settings;

	private final StoreEvents room;

	/** Sends puts, takes and settles, together while one is out. */
	private final CallBatcher calls;

	/**
	 * What every store of one registry shares.
	 *
	 * @param scripts the typed scripts
	 * @param forwarder moves dead letters out of outboxes
	 * @param wakes the wake channels
	 * @param directory the queues around
	 * @param redis the connections (for {@code WAIT})
	 * @param dedupWindow how long idempotency keys are remembered
	 * @param recheckPeriod how often parked requests are tried without a wake-up
	 * @param timeout how long Redis may take to answer
	 * @param waitReplicas replicas that must have a put before it is answered accepted
	 */
	record Settings(QueueScripts scripts, DeadLetterForwarder forwarder, WakeChannel wakes, QueueDirectory directory,
			RedisConnections redis, Duration dedupWindow, Duration recheckPeriod, Duration timeout, int waitReplicas) {
	}

	RedisQueueStore(QueueKeys keys, String generation, Settings settings, StoreEvents room) {
		this.keys = keys;
		this.generation = QueueKeys.bytes(generation);
		this.settings = settings;
		this.room = room;
		this.calls = settings.scripts().batcher(keys, this.generation);
	}

	/** The generation of the queue this store serves. */
	String generation() {
		return new String(this.generation, StandardCharsets.UTF_8);
	}

	// ---- the store's operations

	@Override
	public CompletableFuture<StoreAnswer<PutResult>> put(PutAttempt attempt) {
		QueueScripts scripts = this.settings.scripts();
		CompletableFuture<ScriptReply> sent = attempt.batch()
				? scripts.putAll(this.calls, attempt, this.settings.dedupWindow())
				: scripts.put(this.calls, attempt, this.settings.dedupWindow());
		return forwarded(sent).thenCompose(this::confirm).handle((reply, failure) -> {
			if (failure != null) {
				if (CallBatcher.isOutOfMemory(failure)) {
					return StoreAnswer.of(PutResult.of(PutResult.Status.STORAGE_FULL), null);
				}
				throw unavailable(failure);
			}
			if (reply.is("missing")) {
				return StoreAnswer.gone();
			}
			return StoreAnswer.of(putResult(attempt, reply), reply.state().toQueueState());
		});
	}

	private static PutResult putResult(PutAttempt attempt, ScriptReply reply) {
		return switch (reply.status()) {
			case "accepted", "unconfirmed" -> {
				PutOutcome outcome = attempt.batch() ? acceptedAll(reply)
						: new PutOutcome.Accepted(reply.text(0), Instant.ofEpochMilli(reply.number(1)), false);
				List<Delivery> handed = attempt.batch() ? List.of() : deliveries(reply, 2);
				PutResult.Status status = reply.is("accepted") ? PutResult.Status.ACCEPTED
						: PutResult.Status.UNCONFIRMED;
				yield new PutResult(status, outcome, handed, 0, 0);
			}
			case "duplicate" -> PutResult
				.duplicate(new PutOutcome.Accepted(reply.text(0), Instant.ofEpochMilli(reply.number(1)), true));
			case "unknown-key" -> PutResult.of(PutResult.Status.UNKNOWN_KEY);
			case "closed" -> PutResult.of(PutResult.Status.CLOSED);
			case "too-big" -> PutResult.of(PutResult.Status.TOO_BIG);
			case "full" -> PutResult.full(attempt.batch() ? (int) reply.number(0) : 1, 0);
			default -> throw new IllegalStateException("put answered " + reply.status());
		};
	}

	/**
	 * A batch's outcome from its script's answer: one {id, enqueued ms, repeated} per
	 * job.
	 */
	private static PutOutcome.AcceptedAll acceptedAll(ScriptReply reply) {
		List<PutOutcome.Accepted> jobs = new ArrayList<>(reply.values().size());
		for (Object entry : reply.values()) {
			List<?> fields = (List<?>) entry;
			jobs.add(new PutOutcome.Accepted(ScriptReply.text(fields.get(0)),
					Instant.ofEpochMilli(ScriptReply.number(fields.get(1))), ScriptReply.number(fields.get(2)) == 1));
		}
		return new PutOutcome.AcceptedAll(jobs);
	}

	/**
	 * Answers {@code reply} once the replicas asked for have the writes behind it; as
	 * {@code unconfirmed} if fewer did within the timeout. A repeated key is confirmed
	 * too: its job may be one that an earlier, unconfirmed put left on the primary alone,
	 * which a failover would lose.
	 */
	private CompletableFuture<ScriptReply> confirm(ScriptReply reply) {
		int replicas = this.settings.waitReplicas();
		boolean repeated = reply.is("duplicate");
		if (replicas == 0 || !(reply.is("accepted") || repeated)) {
			return CompletableFuture.completedFuture(reply);
		}
		// WAIT gives up before the command timeout, so that its own answer says how many
		// replicas confirmed
		return this.settings.redis()
			.waitForReplicas(this.keys.meta(), replicas, this.settings.timeout().dividedBy(2))
			.handle((acknowledged, failure) -> {
				if (failure == null && acknowledged >= replicas) {
					return reply;
				}
				if (repeated) {
					throw new BackendUnavailableException("job " + reply.text(0) + " of queue " + this.keys.name()
							+ " is stored, but fewer replicas than asked confirmed it in time", failure);
				}
				return new ScriptReply("unconfirmed", reply.state(), reply.values());
			});
	}

	@Override
	public CompletableFuture<StoreAnswer<TakeResult>> take(TakeAttempt attempt) {
		return answer(this.settings.scripts().take(this.calls, attempt.options(), attempt.settleFirst()), (reply) -> {
			TakeResult.Status status = switch (reply.status()) {
				case "delivered" -> TakeResult.Status.DELIVERED;
				case "empty" -> TakeResult.Status.EMPTY;
				case "drained" -> TakeResult.Status.DRAINED;
				default -> throw new IllegalStateException("take answered " + reply.status());
			};
			List<Settled> settled = settled(attempt.settleFirst(), (List<?>) reply.values().getFirst());
			return new TakeResult(status, deliveries(reply, 1), settled);
		});
	}

	@Override
	public CompletableFuture<StoreAnswer<List<Settled>>> settle(List<Settle> settlements) {
		return answer(this.settings.scripts().settle(this.calls, settlements),
				(reply) -> settled(settlements, reply.values()));
	}

	/** The outcome of each settlement, from its value in a script's answer. */
	private static List<Settled> settled(List<Settle> settlements, List<?> values) {
		List<Settled> outcomes = new ArrayList<>(settlements.size());
		for (int i = 0; i < settlements.size(); i++) {
			long value = ScriptReply.number(values.get(i));
			if (value < 0) {
				outcomes.add(Settled.NOT_HELD);
			}
			else if (settlements.get(i).action() == Settle.Action.EXTEND) {
				outcomes.add(new Settled(true, Instant.ofEpochMilli(value)));
			}
			else {
				outcomes.add(Settled.DONE);
			}
		}
		return outcomes;
	}

	@Override
	public CompletableFuture<StoreAnswer<Integer>> close(CloseMode mode) {
		return answer(this.settings.scripts().close(this.calls, mode), (reply) -> (int) reply.number(0));
	}

	@Override
	public CompletableFuture<StoreAnswer<StoreLook>> look() {
		return answer(this.settings.scripts().snapshot(this.calls), (reply) -> {
			String deadLetterQueue = reply.text(3);
			if (reply.text(9).isEmpty()) {
				deadLetterQueue = QueueConfig.NO_DEAD_LETTER_QUEUE;
			}
			else if (deadLetterQueue.isEmpty()) {
				deadLetterQueue = null;
			}
			QueueConfig config = new QueueConfig((int) reply.number(0), Duration.ofMillis(reply.number(1)),
					(int) reply.number(2), deadLetterQueue, (int) reply.number(6), (int) reply.number(10),
					(int) reply.number(11));
			long oldest = reply.number(4);
			List<GroupCount> largest = new ArrayList<>();
			List<?> pairs = (List<?>) reply.values().get(8);
			for (int i = 0; i + 1 < pairs.size(); i += 2) {
				String group = ScriptReply.text(pairs.get(i));
				largest.add(new GroupCount(group.isEmpty() ? null : group, (int) ScriptReply.number(pairs.get(i + 1))));
			}
			return new StoreLook(config, (oldest >= 0) ? Instant.ofEpochMilli(oldest) : null, (int) reply.number(7),
					largest);
		});
	}

	@Override
	public CompletableFuture<StoreAnswer<Boolean>> pause(boolean paused) {
		return answer(this.settings.scripts().pause(this.calls, paused), (reply) -> reply.number(0) == 1);
	}

	@Override
	public CompletableFuture<StoreAnswer<Integer>> purge() {
		return answer(this.settings.scripts().purge(this.calls), (reply) -> (int) reply.number(0));
	}

	@Override
	public CompletableFuture<StoreAnswer<Void>> configure(QueueConfig config) {
		return answer(this.settings.scripts().configure(this.calls, this.keys, config), (reply) -> null);
	}

	@Override
	public CompletableFuture<StoreAnswer<Optional<JobInfo>>> job(String id) {
		return answer(this.settings.scripts().job(this.calls, id), (reply) -> {
			if (!reply.is("job")) {
				return Optional.empty();
			}
			List<Object> v = reply.values();
			JobInfo.State state = JobInfo.State.valueOf(reply.text(0).toUpperCase(Locale.ROOT));
			long at = reply.number(4);
			return Optional.of(new JobInfo(id, Payload.of((byte[]) v.get(1)), state, (int) reply.number(2),
					Instant.ofEpochMilli(reply.number(3)),
					(state == JobInfo.State.DELAYED) ? Instant.ofEpochMilli(at) : null,
					(state == JobInfo.State.LEASED) ? Instant.ofEpochMilli(at) : null, origin(v, 5),
					QueueScripts.trace(v.get(8)), QueueScripts.lane(v.get(9))));
		});
	}

	@Override
	public CompletableFuture<StoreAnswer<List<JobInfo>>> jobs(JobInfo.State state, String after, int limit) {
		return answer(this.settings.scripts().jobs(this.calls, state, after, limit), (reply) -> {
			List<JobInfo> jobs = new ArrayList<>();
			for (Object entry : reply.values()) {
				@SuppressWarnings("unchecked")
				List<Object> v = (List<Object>) entry;
				long at = ScriptReply.number(v.get(4));
				jobs.add(new JobInfo(ScriptReply.text(v.get(0)), Payload.of((byte[]) v.get(1)), state,
						(int) ScriptReply.number(v.get(2)), Instant.ofEpochMilli(ScriptReply.number(v.get(3))),
						(state == JobInfo.State.DELAYED) ? Instant.ofEpochMilli(at) : null,
						(state == JobInfo.State.LEASED && at >= 0) ? Instant.ofEpochMilli(at) : null, origin(v, 5),
						QueueScripts.trace(v.get(8)), QueueScripts.lane(v.get(9))));
			}
			return jobs;
		});
	}

	@Override
	public CompletableFuture<StoreAnswer<Void>> restore(List<Delivery> deliveries) {
		return answer(this.settings.scripts().restore(this.calls, deliveries), (reply) -> null);
	}

	@Override
	public CompletableFuture<StoreAnswer<Boolean>> retract(String jobId, String leaseId) {
		return answer(this.settings.scripts().retract(this.calls, jobId, leaseId), (reply) -> reply.is("retracted"));
	}

	// ---- what the room asks of a shared store

	@Override
	public Duration recheckPeriod() {
		return this.settings.recheckPeriod();
	}

	@Override
	public void watch(boolean watching) {
		if (watching) {
			this.settings.wakes().listen(this.keys, this.room);
		}
		else {
			this.settings.wakes().unlisten(this.keys, this.room);
		}
	}

	@Override
	public Duration tryTimeout() {
		return this.settings.timeout();
	}

	/** Not on a Redis I/O thread, which delivers the answers waited for. */
	@Override
	public boolean mayWait() {
		return !(Thread.currentThread() instanceof FastThreadLocalThread);
	}

	@Override
	public CompletableFuture<JobQueue> successor(boolean create) {
		return this.settings.directory().successor(this.keys.name(), generation(), create);
	}

	@Override
	public void gone() {
		this.settings.directory().forget(this.keys.name(), generation());
	}

	// ---- answers

	/**
	 * The answer of a script once its dead letters are forwarded: "missing" as a queue
	 * gone, anything else read by {@code value}; a failure as the backend unavailable.
	 */
	private <T> CompletableFuture<StoreAnswer<T>> answer(CompletableFuture<ScriptReply> sent,
			Function<ScriptReply, T> value) {
		return forwarded(sent).handle((reply, failure) -> {
			if (failure != null) {
				throw unavailable(failure);
			}
			if (reply.is("missing")) {
				return StoreAnswer.gone();
			}
			return StoreAnswer.of(value.apply(reply), reply.state().toQueueState());
		});
	}

	private CompletableFuture<ScriptReply> forwarded(CompletableFuture<ScriptReply> sent) {
		return sent.thenCompose((reply) -> this.settings.forwarder().after(this.keys, reply));
	}

	/** The jobs a script delivered, listed from value {@code from} on. */
	private static List<Delivery> deliveries(ScriptReply reply, int from) {
		List<Object> values = reply.values();
		List<Delivery> deliveries = new ArrayList<>(Math.max(0, values.size() - from));
		for (Object item : values.subList(Math.min(from, values.size()), values.size())) {
			@SuppressWarnings("unchecked")
			List<Object> v = (List<Object>) item;
			Object expiry = v.get(5);
			deliveries
				.add(new Delivery(ScriptReply.text(v.get(0)), ScriptReply.text(v.get(1)), Payload.of((byte[]) v.get(2)),
						(int) ScriptReply.number(v.get(3)), Instant.ofEpochMilli(ScriptReply.number(v.get(4))),
						(expiry != null) ? Instant.ofEpochMilli(ScriptReply.number(expiry)) : null, origin(v, 6),
						QueueScripts.trace(v.get(9)), QueueScripts.lane(v.get(10))));
		}
		return deliveries;
	}

	/**
	 * The dead-letter origin in values {@code from} (queue), +1 (reason), +2 (attempts).
	 */
	private static DeadLetter origin(List<Object> values, int from) {
		String queue = ScriptReply.text(values.get(from));
		return (queue != null) ? new DeadLetter(queue, reason(ScriptReply.text(values.get(from + 1))),
				(int) ScriptReply.number(values.get(from + 2))) : null;
	}

	static DeadLetter.Reason reason(String label) {
		for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
			if (reason.label().equals(label)) {
				return reason;
			}
		}
		throw new IllegalStateException("unknown dead-letter reason " + label);
	}

	private RuntimeException unavailable(Throwable failure) {
		Throwable cause = Failures.unwrap(failure);
		if (cause instanceof BackendUnavailableException unavailable) {
			return unavailable;
		}
		return new BackendUnavailableException("Redis failed for queue " + this.keys.name() + ": " + cause.getMessage(),
				cause);
	}

}
