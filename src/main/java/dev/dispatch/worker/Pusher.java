package dev.dispatch.worker;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueRegistry;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;

/**
 * Runs pushers: each puts numbered jobs on its queue, honouring backpressure (a full
 * queue parks it, as a blocked HTTP put would), and may close the queue after its last
 * job and wait until every job is done.
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
				return report(name, spec, pushed, waits, false, false);
			}
			Payload payload = Payload.of(spec.payloadOf(n));
			// said before the put: a puller may take the job before the put returns
			log.info("[ %s ] putting job %s".formatted(name, payload));
			PutOutcome outcome = queue.put(payload, PutOptions.noWait()).join();
			long waitedSince = 0;
			while (outcome instanceof PutOutcome.Full || outcome instanceof PutOutcome.StorageFull) {
				waits++;
				waitedSince = (waitedSince != 0) ? waitedSince : System.nanoTime();
				if (outcome instanceof PutOutcome.StorageFull) {
					// refused at once, without parking: try again after a pause
					log.info("[ %s ] the service's payload storage is full; waiting for room".formatted(name));
					if (stop.pause(STORAGE_FULL_PAUSE)) {
						return report(name, spec, pushed, waits, false, false);
					}
					outcome = queue.put(payload, PutOptions.noWait()).join();
					continue;
				}
				log.info("[ %s ] queue %s is full (%d jobs); waiting for room".formatted(name, spec.queue(),
						queue.snapshot().join().size()));
				try {
					outcome = stop.await(queue.put(payload, PutOptions.waiting(spec.putWait())));
				}
				catch (CancellationException stopped) {
					return report(name, spec, pushed, waits, false, false);
				}
			}
			if (outcome instanceof PutOutcome.Closed) {
				log.info("[ %s ] queue %s is closed; stopping after %d jobs".formatted(name, spec.queue(), pushed));
				return report(name, spec, pushed, waits, false, false);
			}
			pushed++;
			if (waitedSince != 0) {
				log.info("[ %s ] job %s is in, after %s".formatted(name, payload, since(waitedSince)));
			}
			if (spec.interval().isPositive() && stop.pause(spec.interval())) {
				return report(name, spec, pushed, waits, false, false);
			}
		}
		boolean closed = false;
		if (spec.closeWhenDone()) {
			queue.close(CloseMode.GRACEFUL).join();
			closed = true;
			log.info("[ %s ] put %d jobs; closed queue %s".formatted(name, pushed, spec.queue()));
		}
		boolean joined = spec.joinWhenDone() && join(name, spec, queue, stop);
		return report(name, spec, pushed, waits, closed, joined);
	}

	/**
	 * Waits until every job of the queue is done, or the signal is raised.
	 * @return whether every job was done
	 */
	private static boolean join(String name, WorkerProperties.Pusher spec, JobQueue queue, StopSignal stop) {
		log.info("[ %s ] waiting until every job is done (join)".formatted(name));
		long since = System.nanoTime();
		try {
			while (!stop.await(queue.join(spec.putWait()))) {
				if (stop.isRaised()) {
					return false;
				}
			}
		}
		catch (CancellationException stopped) {
			return false;
		}
		log.info("[ %s ] every job is done: join returned after %s".formatted(name, since(since)));
		return true;
	}

	/**
	 * The time since {@code nanos} ({@link System#nanoTime()}), such as {@code 1.25 s}.
	 */
	static String since(long nanos) {
		return "%.2f s".formatted((System.nanoTime() - nanos) / 1e9);
	}

	private static CompletableFuture<WorkerReport> report(String name, WorkerProperties.Pusher spec, long pushed,
			long waits, boolean closed, boolean joined) {
		return CompletableFuture
			.completedFuture(new WorkerReport.Pushed(name, spec.queue(), pushed, waits, closed, joined));
	}

}
