package dev.dispatch.client;

/**
 * What a {@link DispatchConsumer} runs for each job. Returning acks the job; throwing
 * nacks it, to be tried again after a backoff (or dead-lettered after its last attempt).
 * A handler that settles the lease itself ({@link Lease#ack()}, {@link Lease#nack},
 * {@link Lease#release()}) is left as it settled it.
 */
@FunctionalInterface
public interface JobHandler {

	void handle(Lease lease) throws Exception;

}
