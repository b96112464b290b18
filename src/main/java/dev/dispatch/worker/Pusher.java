package dev.dispatch.worker;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.dispatch.config.WorkerProperties;
import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.Payload;
import dev.dispatch.queue.PutOptions;
import dev.dispatch.queue.PutOutcome;
import dev.dispatch.queue.QueueRegistry;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;

/**
 * Runs pushers: each puts numbered jobs on its queue, honouring backpressure (a full
 * queue parks it, as a blocked HTTP put would), and may close the queue after its last
 * job.
 */
@Component
class Pusher {

	private static final Log log = LogFactory.getLog(Pusher.class);

	/** How long a pusher waits before trying again a put refused for storage. */
	private static final Duration STORAGE_FULL_PAUSE = Duration.ofSeconds(1);

	private final QueueRegistry registry;

	Pusher(QueueRegistry registry) {
		this.registry = registry;
	}

	@Async(WorkerExecutor.NAME)
	public CompletableFuture<WorkerReport> run(String name, WorkerProperties.Pusher spec, StopSignal stop) {
		stop.enter();
		try {
			return push(name, spec, stop);
		}
		finally {
			stop.leave();
		}
	}

	private CompletableFuture<WorkerReport> push(String name, WorkerProperties.Pusher spec, StopSignal stop) {
		JobQueue queue = this.registry.obtain(spec.queue());
		long pushed = 0;
		long waits = 0;
		for (long n = 1; spec.count() == 0 || n <= spec.count(); n++) {
			if (stop.isRaised()) {
				return report(name, spec, pushed, waits, false);
			}
			Payload payload = Payload.of(spec.payloadOf(n));
			PutOutcome outcome = queue.put(payload, PutOptions.noWait()).join();
			while (outcome instanceof PutOutcome.Full || outcome instanceof PutOutcome.StorageFull) {
				waits++;
				if (outcome instanceof PutOutcome.StorageFull) {
					// refused at once, without parking: try again after a pause
					log.info("[ %s ] The service's payload storage is full; waiting for room".formatted(name));
					if (stop.pause(STORAGE_FULL_PAUSE)) {
						return report(name, spec, pushed, waits, false);
					}
					outcome = queue.put(payload, PutOptions.noWait()).join();
					continue;
				}
				log.info("[ %s ] Queue %s is full (%d jobs); waiting for room".formatted(name, spec.queue(),
						queue.snapshot().join().size()));
				try {
					outcome = stop.await(queue.put(payload, PutOptions.waiting(spec.putWait())));
				}
				catch (CancellationException stopped) {
					return report(name, spec, pushed, waits, false);
				}
			}
			if (outcome instanceof PutOutcome.Closed) {
				log.info("[ %s ] Queue %s is closed; stopping after %d jobs".formatted(name, spec.queue(), pushed));
				return report(name, spec, pushed, waits, false);
			}
			pushed++;
			log.info("[ %s ] Put job: %s (size %d)".formatted(name, payload, queue.snapshot().join().size()));
			if (spec.interval().isPositive() && stop.pause(spec.interval())) {
				return report(name, spec, pushed, waits, false);
			}
		}
		boolean closed = false;
		if (spec.closeWhenDone()) {
			queue.close(CloseMode.GRACEFUL).join();
			closed = true;
			log.info("[ %s ] Pushed %d jobs; closed queue %s".formatted(name, pushed, spec.queue()));
		}
		return report(name, spec, pushed, waits, closed);
	}

	private static CompletableFuture<WorkerReport> report(String name, WorkerProperties.Pusher spec, long pushed,
			long waits, boolean closed) {
		return CompletableFuture.completedFuture(new WorkerReport.Pushed(name, spec.queue(), pushed, waits, closed));
	}

}
