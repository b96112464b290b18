package dev.dispatch.queue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.job.DeadLetter;

/**
 * A {@link QueueListener} that writes down every event as a short line, for assertions.
 */
public final class RecordingListener implements QueueListener {

	private final List<String> events = new CopyOnWriteArrayList<>();

	/** Events so far, oldest first. */
	public List<String> events() {
		return List.copyOf(this.events);
	}

	/** How many events of queue {@code queue} start with {@code prefix}. */
	public long count(String queue, String prefix) {
		return this.events.stream().filter((e) -> e.startsWith(queue + " " + prefix)).count();
	}

	@Override
	public void queueCreated(String queue) {
		this.events.add(queue + " created");
	}

	@Override
	public void queueDeleted(String queue) {
		this.events.add(queue + " deleted");
	}

	@Override
	public void enqueued(String queue) {
		this.events.add(queue + " enqueued");
	}

	@Override
	public void delivered(String queue, boolean direct, Duration sinceEnqueued) {
		this.events.add(queue + " delivered " + (direct ? "direct" : "buffered")
				+ ((sinceEnqueued != null) ? " first " + sinceEnqueued.toMillis() + "ms" : " again"));
	}

	@Override
	public void acked(String queue) {
		this.events.add(queue + " acked");
	}

	@Override
	public void nacked(String queue) {
		this.events.add(queue + " nacked");
	}

	@Override
	public void expired(String queue) {
		this.events.add(queue + " expired");
	}

	@Override
	public void released(String queue) {
		this.events.add(queue + " released");
	}

	@Override
	public void deadLettered(String queue, DeadLetter.Reason reason) {
		this.events.add(queue + " deadlettered " + reason.label());
	}

	@Override
	public void discarded(String queue, int jobs) {
		this.events.add(queue + " discarded " + jobs);
	}

	@Override
	public void putRejected(String queue, PutOutcome outcome) {
		this.events.add(queue + " rejected " + outcome.label());
	}

	@Override
	public void waitEnded(String queue, WaitKind kind, Duration waited, String outcome) {
		this.events.add(queue + " waited " + kind.name().toLowerCase() + " " + waited.toMillis() + "ms " + outcome);
	}

}
