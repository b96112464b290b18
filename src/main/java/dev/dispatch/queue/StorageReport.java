package dev.dispatch.queue;

import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOutcome;

/**
 * What a registry's backend holds of payloads and the most it may hold, for gauges. Both
 * are read without blocking: a backend whose figures live elsewhere reports the last ones
 * it read.
 */
public interface StorageReport {

	/**
	 * Payload bytes held now: accepted jobs, and parked puts where a backend counts them.
	 */
	long held();

	/** Most payload bytes held before puts answer {@link PutOutcome.StorageFull}. */
	long limit();

}
