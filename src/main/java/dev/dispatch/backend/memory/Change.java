package dev.dispatch.backend.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.spi.Effects;

/**
 * What one operation of a {@link MemoryQueueStore} does after the unlock (timers called
 * off, dead letters forwarded), and what its housekeeping tallied.
 */
final class Change extends Effects {

	long expired;

	long deadLetteredMaxAttempts;

	long deadLetteredPurged;

	/** Places dead letters on their queue (the store's sink). */
	private final BiConsumer<String, List<MemoryJob>> deadLetters;

	private String deadLetterQueue;

	private List<MemoryJob> deadJobs;

	/**
	 * @param lock the store's lock
	 * @param queue the store's queue
	 * @param deadLetters where its dead letters go
	 */
	Change(ReentrantLock lock, String queue, BiConsumer<String, List<MemoryJob>> deadLetters) {
		super(lock, queue);
		this.deadLetters = deadLetters;
	}

	void deadLetter(String queue, MemoryJob job, DeadLetter.Reason reason) {
		if (this.deadJobs == null) {
			this.deadJobs = new ArrayList<>();
			add(() -> this.deadLetters.accept(this.deadLetterQueue, this.deadJobs));
		}
		this.deadLetterQueue = queue;
		this.deadJobs.add(job);
		if (reason == DeadLetter.Reason.MAX_ATTEMPTS) {
			this.deadLetteredMaxAttempts++;
		}
		else {
			this.deadLetteredPurged++;
		}
	}

}
