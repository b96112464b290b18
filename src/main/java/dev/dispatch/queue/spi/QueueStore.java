package dev.dispatch.queue.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.JobInfo;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.Settled;

/**
 * Where one queue's jobs live: what a backend writes. A {@link WaitingRoom} in front of
 * it makes it a {@link JobQueue}: it parks the requests that must wait, keeps them in
 * order, times them out, withdraws them, and decides when to try them again; the store
 * only stores, hands out and settles.
 *
 * <p>
 * <b>Atomicity.</b> Each operation is one atomic step on the queue's state (one lock, one
 * script…). It may be answered on any thread, at once (a completed future) or later; it
 * must never block the caller for long. A store that fails answers with a future failed
 * by a {@link dev.dispatch.queue.BackendUnavailableException}.
 *
 * <p>
 * <b>Housekeeping.</b> Each operation first brings the queue up to the store's clock (due
 * delayed jobs become ready, run-out leases give their jobs back or dead-letter them) and
 * answers the state it leaves, with the tallies of that housekeeping. Jobs moved to a
 * dead-letter queue have reached it before the operation's future completes. A store
 * either times housekeeping itself and tells its room what changed
 * ({@link StoreEvents#learn}), or reports when it is next due
 * ({@link QueueState#nextDue()}) and the room looks at it then.
 *
 * <p>
 * <b>Gone.</b> Every operation answers {@link StoreAnswer.gone()} once the queue was
 * deleted (here, or by another process sharing the store), and does nothing.
 */
public interface QueueStore {

	/**
	 * Tries a put: accepts its jobs if there is room (or hands the job to a take), else
	 * says why not. See {@link PutAttempt} and {@link PutResult}.
	 */
	CompletableFuture<StoreAnswer<PutResult>> put(PutAttempt attempt);

	/**
	 * Settles the attempt's leases first, if any, then leases (or settles at delivery) up
	 * to {@code max} ready jobs from the head, unless delivery is paused. Every delivered
	 * job's attempt counts one more.
	 */
	CompletableFuture<StoreAnswer<TakeResult>> take(TakeAttempt attempt);

	/**
	 * Acks, nacks, extends or releases leases, in order, as {@link JobQueue#settle}
	 * specifies; a lease not held answers {@link Settled#NOT_HELD}.
	 */
	CompletableFuture<StoreAnswer<List<Settled>>> settle(List<Settle> settlements);

	/**
	 * Closes the queue, as {@link JobQueue#close} specifies (not the parked requests: the
	 * room answers those).
	 * @return how many jobs this call moved to the dead-letter queue
	 */
	CompletableFuture<StoreAnswer<Integer>> close(CloseMode mode);

	/** Brings the queue up to now and tells its configuration and state. */
	CompletableFuture<StoreAnswer<StoreLook>> look();

	/**
	 * Pauses or resumes delivery.
	 * @return whether that changed anything
	 */
	CompletableFuture<StoreAnswer<Boolean>> pause(boolean paused);

	/**
	 * Throws every ready and delayed job away.
	 * @return how many
	 */
	CompletableFuture<StoreAnswer<Integer>> purge();

	/** Applies a new configuration (the value is {@code null}). */
	CompletableFuture<StoreAnswer<Void>> configure(QueueConfig config);

	/** Looks a job up, as {@link JobQueue#job} specifies. */
	CompletableFuture<StoreAnswer<Optional<JobInfo>>> job(String id);

	/** Lists jobs, as {@link JobQueue#jobs} specifies. */
	CompletableFuture<StoreAnswer<List<JobInfo>>> jobs(JobInfo.State state, String after, int limit);

	/**
	 * Puts back jobs that were settled at delivery but never reached their consumer: to
	 * the head, in their order, their attempt not counted (the value is {@code null}).
	 */
	CompletableFuture<StoreAnswer<Void>> restore(List<Delivery> deliveries);

	/**
	 * Takes back a job accepted for a put that was withdrawn meanwhile, unless a consumer
	 * has it: it is removed while it is ready or delayed, or leased by {@code leaseId} (a
	 * hand-off to a take that never received it; {@code null} for none). Only jobs
	 * without an idempotency key are retracted (a retry of a keyed put may already have
	 * been answered with its id).
	 * @return whether it was removed ({@code false}: a consumer took it; it stays
	 * accepted)
	 */
	CompletableFuture<StoreAnswer<Boolean>> retract(String jobId, String leaseId);

	/**
	 * Reserves payload bytes for a put that joins the line of parked ones without a try
	 * (see {@link PutResult#reserved()}). Called under the room's lock: it must be quick
	 * and must not call the room.
	 * @return whether they fit; yes by default (a store that bounds nothing)
	 */
	default boolean reserve(long bytes) {
		return true;
	}

	/**
	 * Gives back payload bytes that a put held reserved (see
	 * {@link PutResult#reserved()}) and that will not become a job: the put was refused,
	 * withdrawn or timed out. Nothing to do by default.
	 */
	default void unreserve(long bytes) {
	}

	/**
	 * How often parked requests are tried again without a reason: a store shared with
	 * other processes may lose their wake-ups. {@code null} (the default): never, every
	 * change reaches the room.
	 */
	default Duration recheckPeriod() {
		return null;
	}

	/**
	 * Whether the room wants to hear of changes other processes make
	 * ({@link WaitingRoom#nudge}): it does while requests are parked, and a while after.
	 * Nothing to do by default.
	 */
	default void watch(boolean watching) {
	}

	/**
	 * How long a withdrawal may wait for a put's try in flight, to learn whether it was
	 * accepted.
	 */
	default Duration tryTimeout() {
		return Duration.ofSeconds(5);
	}

	/**
	 * Whether the calling thread may wait for one of this store's answers: never on the
	 * thread that delivers them. Yes by default.
	 */
	default boolean mayWait() {
		return true;
	}

	/**
	 * The queue that now has this one's name, after another process deleted it: a request
	 * that reached this room first is made again there. If the name has none,
	 * {@code create} (a put's) may create one, as auto-creation would; else {@code null}.
	 * None by default (a store that only this process uses knows of every deletion
	 * first).
	 */
	default CompletableFuture<JobQueue> successor(boolean create) {
		return CompletableFuture.completedFuture(null);
	}

	/**
	 * The room found the queue gone: whoever looks the name up from now on must not find
	 * this one. Nothing to do by default.
	 */
	default void gone() {
	}

}
