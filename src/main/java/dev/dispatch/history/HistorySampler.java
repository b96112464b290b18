package dev.dispatch.history;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.Scheduler;

/**
 * Takes a {@link QueueHistory} sample of every queue each interval, on the queues'
 * {@link Scheduler}: it asks every queue for its snapshot without waiting for the answers
 * (a shared backend answers a round trip later; the scheduler's thread must not wait),
 * records the sample once they are in, and only then sets the timer for the next, so that
 * rounds never overlap. A queue whose snapshot fails (its backend did not answer) has no
 * sample that round; what happened to it meanwhile is counted in the next.
 */
public final class HistorySampler implements AutoCloseable {

	private static final System.Logger log = System.getLogger(HistorySampler.class.getName());

	private final QueueHistory history;

	private final QueueRegistry registry;

	private final Scheduler scheduler;

	/** The timer of the next round, or {@code null} once closed. Guarded by this. */
	private Scheduler.Cancellable next;

	private boolean closed;

	public HistorySampler(QueueHistory history, QueueRegistry registry, Scheduler scheduler) {
		this.history = history;
		this.registry = registry;
		this.scheduler = scheduler;
	}

	/** Starts sampling: the first sample an interval from now. */
	public synchronized void start() {
		if (!this.closed && this.next == null) {
			this.next = this.scheduler.schedule(this.history.interval(), this::round);
		}
	}

	private void round() {
		List<CompletableFuture<QueueSnapshot>> asked = new ArrayList<>();
		try {
			for (JobQueue queue : this.registry.list()) {
				asked.add(queue.snapshot());
			}
		}
		catch (RuntimeException ex) {
			log.log(System.Logger.Level.DEBUG, "queue history: the queues could not be listed", ex);
			scheduleNext();
			return;
		}
		// a failed snapshot counts as none
		List<CompletableFuture<QueueSnapshot>> answers = asked.stream()
			.map((one) -> one.handle((snapshot, failure) -> snapshot))
			.toList();
		CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
			try {
				List<QueueSnapshot> snapshots = answers.stream()
					.map((one) -> one.getNow(null))
					.filter((s) -> s != null)
					.toList();
				// a queue that did not answer keeps its history: only a full round says
				// which queues are gone
				this.history.sample(this.scheduler.now(), snapshots, snapshots.size() == answers.size());
			}
			catch (RuntimeException ex) {
				log.log(System.Logger.Level.WARNING, "queue history: a sample failed", ex);
			}
			finally {
				scheduleNext();
			}
		});
	}

	private synchronized void scheduleNext() {
		if (!this.closed) {
			this.next = this.scheduler.schedule(this.history.interval(), this::round);
		}
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.next != null) {
			this.next.cancel();
		}
	}

}
