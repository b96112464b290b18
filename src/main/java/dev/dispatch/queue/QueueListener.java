package dev.dispatch.queue;

import java.time.Duration;
import java.util.List;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.job.DeadLetter;

/**
 * Receives what happens in queues, for metrics and logs. Every method has a no-op
 * default. Queues call listeners after they have released their locks, on whichever
 * thread did the work; a listener must be quick, must not block and must not throw (a
 * thrown exception is logged and otherwise ignored).
 */
public interface QueueListener {

	/** A listener that does nothing. */
	QueueListener NONE = new QueueListener() {
	};

	/** A listener that tells each of {@code listeners}, in order. */
	static QueueListener allOf(List<? extends QueueListener> listeners) {
		List<QueueListener> all = List.copyOf(listeners);
		return switch (all.size()) {
			case 0 -> NONE;
			case 1 -> all.getFirst();
			default -> new Composite(all);
		};
	}

	/** The kind of parked operation a wait belongs to. */
	enum WaitKind {

		PUT, TAKE

	}

	/** A queue came into being (created, configured or auto-created). */
	default void queueCreated(String queue) {
	}

	/** A queue was deleted; its meters should go. */
	default void queueDeleted(String queue) {
	}

	/** A job was accepted. */
	default void enqueued(String queue) {
	}

	/**
	 * A job was handed to a consumer.
	 * @param direct whether it went straight from a put to a parked take, never resting
	 * in the queue
	 * @param sinceEnqueued on a job's first delivery, how long it waited since it was
	 * accepted; {@code null} on redeliveries
	 */
	default void delivered(String queue, boolean direct, Duration sinceEnqueued) {
	}

	/** A leased job was acknowledged (or a job was settled at delivery). */
	default void acked(String queue) {
	}

	/** A leased job was given back by its consumer. */
	default void nacked(String queue) {
	}

	/** A lease ran out before its consumer settled the job. */
	default void expired(String queue) {
	}

	/**
	 * A delivery whose consumer had already gone was put back, not counting the attempt.
	 */
	default void released(String queue) {
	}

	/** A job left {@code queue} for its dead-letter queue. */
	default void deadLettered(String queue, DeadLetter.Reason reason) {
	}

	/** An operator threw {@code jobs} of {@code queue} away (a purge). */
	default void discarded(String queue, int jobs) {
	}

	/**
	 * A put was refused: {@code outcome} is {@link PutOutcome.Full} or
	 * {@link PutOutcome.Closed}.
	 */
	default void putRejected(String queue, PutOutcome outcome) {
	}

	/**
	 * A put or take finished, after {@code waited} (zero when it did not park).
	 * @param outcome the outcome's {@code label()}, or {@code "cancelled"}
	 */
	default void waitEnded(String queue, WaitKind kind, Duration waited, String outcome) {
	}

	/**
	 * Tells several listeners, in order; one that throws does not keep the others from
	 * hearing.
	 */
	final class Composite implements QueueListener {

		private static final System.Logger log = System.getLogger(Composite.class.getName());

		private final List<QueueListener> listeners;

		private Composite(List<QueueListener> listeners) {
			this.listeners = listeners;
		}

		private void each(java.util.function.Consumer<QueueListener> event) {
			for (QueueListener listener : this.listeners) {
				try {
					event.accept(listener);
				}
				catch (RuntimeException ex) {
					log.log(System.Logger.Level.WARNING, "queue listener failed", ex);
				}
			}
		}

		@Override
		public void queueCreated(String queue) {
			each((l) -> l.queueCreated(queue));
		}

		@Override
		public void queueDeleted(String queue) {
			each((l) -> l.queueDeleted(queue));
		}

		@Override
		public void enqueued(String queue) {
			each((l) -> l.enqueued(queue));
		}

		@Override
		public void delivered(String queue, boolean direct, Duration sinceEnqueued) {
			each((l) -> l.delivered(queue, direct, sinceEnqueued));
		}

		@Override
		public void acked(String queue) {
			each((l) -> l.acked(queue));
		}

		@Override
		public void nacked(String queue) {
			each((l) -> l.nacked(queue));
		}

		@Override
		public void expired(String queue) {
			each((l) -> l.expired(queue));
		}

		@Override
		public void released(String queue) {
			each((l) -> l.released(queue));
		}

		@Override
		public void deadLettered(String queue, DeadLetter.Reason reason) {
			each((l) -> l.deadLettered(queue, reason));
		}

		@Override
		public void discarded(String queue, int jobs) {
			each((l) -> l.discarded(queue, jobs));
		}

		@Override
		public void putRejected(String queue, PutOutcome outcome) {
			each((l) -> l.putRejected(queue, outcome));
		}

		@Override
		public void waitEnded(String queue, WaitKind kind, Duration waited, String outcome) {
			each((l) -> l.waitEnded(queue, kind, waited, outcome));
		}

	}

}
