package dev.dispatch.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.NewJob;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.queue.job.JobInfo;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.Settled;

/**
 * A bounded, closeable queue of jobs with leases: the heart of Dispatch.
 *
 * <p>
 * Producers {@link #put put} jobs; a put on a full queue waits for room. Consumers
 * {@link #take take} jobs; a take on an empty queue waits for a job. A taken job is
 * <em>leased</em>: the consumer {@link #ack acks} it when done, {@link #nack nacks} it to
 * have it delivered again, or {@link #extend extends} the lease; a lease that runs out
 * returns the job to the queue. After {@code maxAttempts} deliveries a failing job goes
 * to the queue's dead-letter queue. {@link #close Closing} the queue refuses new jobs
 * while consumers drain the rest; once nothing is left, takes answer
 * {@link TakeOutcome.Drained drained} and consumers stop.
 *
 * <p>
 * Every operation is asynchronous: it returns a {@link CompletableFuture} at once and
 * completes it when the outcome is known. Waiting operations take a {@code wait}; zero
 * never parks. Parked puts and takes are served strictly in arrival order, and a later
 * arrival never overtakes a parked one.
 *
 * <table>
 * <caption>Outcomes</caption>
 * <tr>
 * <th>operation</th>
 * <th>succeeds now</th>
 * <th>waits</th>
 * <th>wait elapses</th>
 * <th>queue closed</th>
 * </tr>
 * <tr>
 * <td>{@link #put put}</td>
 * <td>{@link PutOutcome.Accepted Accepted}; handed straight to the oldest parked take if
 * there is one</td>
 * <td>while ready + delayed &ge; capacity, or older puts are parked</td>
 * <td>{@link PutOutcome.Full Full}: not accepted</td>
 * <td>{@link PutOutcome.Closed Closed}, also for puts parked when the queue closes; a
 * repeated idempotency key still answers Accepted</td>
 * </tr>
 * <tr>
 * <td>{@link #putAll putAll}</td>
 * <td>{@link PutOutcome.AcceptedAll AcceptedAll}: every job, in order, at the tail</td>
 * <td>as one put, until there is room for all its new jobs</td>
 * <td>{@link PutOutcome.Full Full}: none was accepted</td>
 * <td>{@link PutOutcome.Closed Closed}: none was accepted</td>
 * </tr>
 * <tr>
 * <td>{@link #take take}</td>
 * <td>{@link TakeOutcome.Delivered Delivered}: 1 to {@code max} jobs</td>
 * <td>while nothing is ready</td>
 * <td>{@link TakeOutcome.Empty Empty}</td>
 * <td>jobs still ready or coming back are delivered; {@link TakeOutcome.Drained Drained}
 * once none can come (at once after an immediate close)</td>
 * </tr>
 * <tr>
 * <td>{@link #ack ack}</td>
 * <td>{@code true}; the job is finished</td>
 * <td>never</td>
 * <td>&mdash;</td>
 * <td>allowed</td>
 * </tr>
 * <tr>
 * <td>{@link #nack nack}</td>
 * <td>{@code true}; the job goes back to the head of the queue (after its delay), or to
 * the dead-letter queue after its last attempt</td>
 * <td>never</td>
 * <td>&mdash;</td>
 * <td>allowed; after an immediate close the job goes to the dead-letter queue</td>
 * </tr>
 * <tr>
 * <td>{@link #extend extend}</td>
 * <td>the new deadline</td>
 * <td>never</td>
 * <td>&mdash;</td>
 * <td>allowed</td>
 * </tr>
 * <tr>
 * <td>{@link #settle settle}</td>
 * <td>an outcome per lease, as ack, nack, extend or release would give</td>
 * <td>never</td>
 * <td>&mdash;</td>
 * <td>allowed</td>
 * </tr>
 * <tr>
 * <td>{@link #settleAndTake settleAndTake}</td>
 * <td>the settlements at once, then as take</td>
 * <td>as take</td>
 * <td>as take</td>
 * <td>as take</td>
 * </tr>
 * <tr>
 * <td>{@link #join join}</td>
 * <td>{@code true} when nothing is unfinished</td>
 * <td>while jobs are ready, delayed or leased</td>
 * <td>{@code false}</td>
 * <td>allowed</td>
 * </tr>
 * </table>
 *
 * <p>
 * <b>Storage.</b> A backend may bound the payload bytes it holds (accepted jobs and
 * parked puts). A put that would go beyond that bound answers
 * {@link PutOutcome.StorageFull StorageFull} at once, without waiting; jobs moved to a
 * dead-letter queue are never refused for it.
 *
 * <p>
 * Settling operations ({@code ack}, {@code nack}, {@code extend}, {@code release}) answer
 * {@code false} or empty for a lease that is not held any more (acked, nacked, expired,
 * or never issued); they never fail for that reason.
 *
 * <p>
 * <b>Cancellation.</b> Cancelling the future of a parked put or take withdraws it: a
 * withdrawn put was never accepted, a withdrawn take received nothing. {@code cancel}
 * answers {@code false} when the outcome was already decided; the future then completes
 * with that outcome. A consumer that received jobs it can no longer process (its client
 * went away) hands them back with {@link #release}. Other means of completing these
 * futures from outside are not supported.
 *
 * <p>
 * <b>Nulls.</b> No argument may be {@code null} unless its documentation says so.
 *
 * <p>
 * <b>Memory consistency.</b> Actions in a thread before a put happen-before actions that
 * follow the completion of a take that receives that job, on the thread that observes the
 * completion. Actions before an ack, nack or release happen-before the completion of the
 * operations that then observe its effect (a take receiving the job again, a join
 * completing, a take answering drained).
 *
 * <p>
 * Implementations may live in one JVM or be shared by many (a Redis backend); nothing
 * here assumes one process. Job and lease ids are strings, unique and, for leases,
 * unguessable.
 */
public interface JobQueue {

	/** The queue's name. */
	String name();

	/**
	 * Offers a job. Waits up to {@code options.maxWait()} for room; see the table above.
	 */
	CompletableFuture<PutOutcome> put(Payload payload, PutOptions options);

	/**
	 * Offers several jobs as one put: all of them are accepted, in their order, or none
	 * is. The batch waits up to {@code maxWait} for room for all its new jobs, in the
	 * line of parked puts like one put (no later put passes it, and it passes none); a
	 * batch with more new jobs than the capacity could never fit and answers
	 * {@link PutOutcome.Full Full} at once. A job whose idempotency key the queue already
	 * knows, or that repeats the key of an earlier job of the batch, creates nothing and
	 * answers that job, as a single put would. Jobs are never handed straight to a parked
	 * take: they join the tail of the queue, and parked takes are served from there,
	 * oldest first.
	 * @param jobs 1 or more jobs
	 * @return {@link PutOutcome.AcceptedAll AcceptedAll} with an outcome per job, or
	 * {@link PutOutcome.Full Full}, {@link PutOutcome.Closed Closed},
	 * {@link PutOutcome.StorageFull StorageFull} for the whole batch
	 */
	CompletableFuture<PutOutcome> putAll(List<NewJob> jobs, Duration maxWait);

	/**
	 * Asks for up to {@code options.max()} jobs, waiting up to {@code options.maxWait()}
	 * for the first; see the table above. Each delivered job's attempt counts one more.
	 */
	CompletableFuture<TakeOutcome> take(TakeOptions options);

	/** Finishes the leased job: it leaves the queue for good. */
	CompletableFuture<Boolean> ack(String leaseId);

	/**
	 * Gives the leased job back: to the head of the queue, or after {@code delay} to the
	 * head of the queue; to the dead-letter queue if it had its last attempt.
	 * {@code delay} may be zero.
	 */
	CompletableFuture<Boolean> nack(String leaseId, Duration delay);

	/**
	 * Moves the lease's deadline to {@code by} from now ({@code null}: the queue's lease
	 * timeout from now).
	 * @return the new deadline, or empty if the lease is not held
	 */
	CompletableFuture<Optional<Instant>> extend(String leaseId, Duration by);

	/**
	 * Hands back a job delivered to a consumer that could not receive it: the job returns
	 * to the head of the queue at once and its attempt does not count.
	 */
	CompletableFuture<Boolean> release(String leaseId);

	/**
	 * Settles several leases in one step, in the order given, as the operations of the
	 * same names would one after another (a lease named twice is not held the second
	 * time, once the first settled it). Nothing else happens to the queue in between.
	 * @return one outcome per settlement, in the same order
	 */
	CompletableFuture<List<Settled>> settle(List<Settle> settlements);

	/**
	 * Settles leases, then takes jobs, in one step of the queue: a consumer in a loop
	 * hands back what it finished and asks for its next jobs in one call. The settlements
	 * are carried out first, at once, as {@link #settle} would (whatever the take then
	 * waits for); the take is then made as {@link #take} makes it, and may get a job a
	 * settlement just gave back. Its outcome's {@link TakeOutcome#settled()} says what
	 * came of each settlement. When takes are parked already, the take joins their line
	 * after the settlements were made. Should the outcome of the settlements be unknown
	 * (the backend failed, the queue was deleted or the service stops while they are
	 * under way), the future fails as {@link #settle}'s would.
	 * @param settlements leases to settle first, in order; may be empty
	 */
	CompletableFuture<TakeOutcome> settleAndTake(List<Settle> settlements, TakeOptions options);

	/**
	 * Closes the queue: no job is accepted any more and parked puts answer closed.
	 * Idempotent; an immediate close after a graceful one purges what is left.
	 * <ul>
	 * <li>{@link CloseMode#GRACEFUL}: consumers receive every job still ready, delayed,
	 * or coming back from a failed lease; once none is left, takes answer drained.</li>
	 * <li>{@link CloseMode#IMMEDIATE}: every ready and delayed job goes to the
	 * dead-letter queue (reason purged), as do jobs whose leases fail later; takes answer
	 * drained at once; acks are still taken and join still waits for the leases to
	 * settle.</li>
	 * </ul>
	 * @return how many jobs this call moved to the dead-letter queue
	 */
	CompletableFuture<Integer> close(CloseMode mode);

	/**
	 * Waits up to {@code wait} until no job is ready, delayed or leased.
	 * @return {@code true} when that happened, {@code false} if the wait elapsed first
	 */
	CompletableFuture<Boolean> join(Duration wait);

	/**
	 * Applies a new configuration while the queue runs. A larger capacity admits parked
	 * puts at once; a smaller one makes puts wait until the queue falls below it.
	 */
	CompletableFuture<Void> configure(QueueConfig config);

	/**
	 * Pauses delivery, the operator's brake: takes get nothing (parked ones stay parked,
	 * until their wait elapses or delivery resumes), while puts are still accepted and
	 * leases are settled as usual. A paused queue stays paused when it is closed. It
	 * answers drained all the same once no job can come.
	 * @return whether it was running (false: it was paused already)
	 */
	CompletableFuture<Boolean> pause();

	/**
	 * Resumes delivery: parked takes are served at once, oldest first.
	 * @return whether it was paused (false: it was running already)
	 */
	CompletableFuture<Boolean> resume();

	/**
	 * Throws away every ready and delayed job, for good, without closing the queue:
	 * leased jobs stay with their consumers, and parked puts may find room. Keys of
	 * idempotent puts stay known for their window (a repeat still creates nothing).
	 * @return how many jobs were thrown away
	 */
	CompletableFuture<Integer> purge();

	/**
	 * Looks a job up without touching it: ready, delayed or leased.
	 * @return the job, or empty if this queue does not hold it: never did, settled, or
	 * moved to the dead-letter queue (look it up there, by the same id)
	 */
	CompletableFuture<Optional<JobInfo>> job(String id);

	/**
	 * Lists jobs in {@code state} without touching them, oldest first by creation (job
	 * ids sort so): up to {@code limit} whose ids come after {@code after}. Paging with
	 * the last id seen stays correct while the queue moves: no job in that state is
	 * listed twice or skipped, though one may change state between two pages.
	 * @param after the last id of the previous page, or {@code null} for the first
	 */
	CompletableFuture<List<JobInfo>> jobs(JobInfo.State state, String after, int limit);

	/** The queue's state, all parts read at one instant. */
	CompletableFuture<QueueSnapshot> snapshot();

}
