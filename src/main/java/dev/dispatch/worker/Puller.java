package dev.dispatch.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.Scheduler;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;

/**
 * Runs pullers: the {@code async for job in queue} of the service. Each takes leased
 * jobs, hands them to its {@link JobHandler}, acks on success and nacks on failure, keeps
 * the lease alive while the handler works, and stops by itself once the queue is drained.
 */
@Component
class Puller {

	private static final Log log = LogFactory.getLog(Puller.class);

	private final QueueRegistry registry;

	private final Scheduler scheduler;

	Puller(QueueRegistry registry, Scheduler scheduler) {
		this.registry = registry;
		this.scheduler = scheduler;
	}

	@Async(WorkerExecutor.NAME)
	public CompletableFuture<WorkerReport> run(String name, WorkerProperties.Puller spec, JobHandler handler,
			StopSignal stop) {
		Thread thread = Thread.currentThread();
		String threadName = thread.getName();
		thread.setName(name);
		stop.enter();
		try {
			return CompletableFuture.completedFuture(new Loop(name, spec, handler, stop).run());
		}
		finally {
			stop.leave();
			thread.setName(threadName);
		}
	}

	/** One puller's loop and its counts. Confined to the puller's thread. */
	private final class Loop {

		private final String name;

		private final WorkerProperties.Puller spec;

		private final JobHandler handler;

		private final StopSignal stop;

		private final JobQueue queue;

		private long handled;

		private long failed;

		private long released;

		Loop(String name, WorkerProperties.Puller spec, JobHandler handler, StopSignal stop) {
			this.name = name;
			this.spec = spec;
			this.handler = handler;
			this.stop = stop;
			this.queue = Puller.this.registry.obtain(spec.queue());
		}

		WorkerReport run() {
			Duration lease = (this.spec.lease() != null) ? this.spec.lease()
					: this.queue.snapshot().join().config().leaseTimeout();
			TakeOptions options = new TakeOptions(this.spec.batch(), this.spec.pollWait(), lease, false);
			while (!this.stop.isRaised() && !Thread.currentThread().isInterrupted()) {
				TakeOutcome outcome;
				try {
					outcome = this.stop.await(this.queue.take(options));
				}
				catch (CancellationException stopped) {
					break;
				}
				if (outcome instanceof TakeOutcome.Drained) {
					log.info("[ %s ] queue %s is drained: done (handled %d jobs)".formatted(this.name,
							this.spec.queue(), this.handled));
					return report(true);
				}
				if (outcome instanceof TakeOutcome.Delivered delivered) {
					work(delivered.deliveries(), lease);
				}
			}
			log.info("[ %s ] stopped (handled %d jobs)".formatted(this.name, this.handled));
			return report(false);
		}

		private void work(List<Delivery> jobs, Duration lease) {
			for (int i = 0; i < jobs.size(); i++) {
				if (this.stop.isRaised() || Thread.currentThread().isInterrupted()) {
					jobs.subList(i, jobs.size()).forEach(this::release);
					return;
				}
				handle(jobs.get(i), lease);
			}
		}

		private void handle(Delivery job, Duration lease) {
			log.info("[ %s ] took job %s (attempt %d)".formatted(this.name, job.payload(), job.attempt()));
			long started = System.nanoTime();
			LeaseKeeper keeper = new LeaseKeeper(this.queue, job.leaseId(), lease);
			try {
				this.handler.handle(job);
				keeper.stop();
				// said before the ack: the last ack answers a join at once
				log.info("[ %s ] job %s done in %s; acking".formatted(this.name, job.payload(), Pusher.since(started)));
				if (this.queue.ack(job.leaseId()).join()) {
					this.handled++;
				}
				else {
					log.warn("[ %s ] Lease of job %s was lost before the ack; it will be delivered again"
						.formatted(this.name, job.jobId()));
				}
			}
			catch (InterruptedException ex) {
				keeper.stop();
				Thread.currentThread().interrupt();
				release(job);
			}
			catch (Exception ex) {
				keeper.stop();
				this.failed++;
				log.warn("[ %s ] Job %s failed on attempt %d: %s".formatted(this.name, job.jobId(), job.attempt(), ex),
						ex);
				this.queue.nack(job.leaseId(), this.spec.retryDelay()).join();
			}
		}

		private void release(Delivery job) {
			if (this.queue.release(job.leaseId()).join()) {
				this.released++;
				log.info("[ %s ] released job %s at shutdown".formatted(this.name, job.jobId()));
			}
		}

		private WorkerReport report(boolean drained) {
			return new WorkerReport.Pulled(this.name, this.spec.queue(), this.handled, this.failed, this.released,
					drained);
		}

	}

	/** Extends a lease every half lease while its handler runs. */
	private final class LeaseKeeper {

		private final JobQueue queue;

		private final String leaseId;

		private final Duration lease;

		private final AtomicBoolean stopped = new AtomicBoolean();

		private volatile Scheduler.Cancellable next;

		LeaseKeeper(JobQueue queue, String leaseId, Duration lease) {
			this.queue = queue;
			this.leaseId = leaseId;
			this.lease = lease;
			schedule();
		}

		private void schedule() {
			this.next = Puller.this.scheduler.schedule(this.lease.dividedBy(2), this::extend);
			if (this.stopped.get()) {
				this.next.cancel();
			}
		}

		private void extend() {
			if (this.stopped.get()) {
				return;
			}
			this.queue.extend(this.leaseId, this.lease).thenAccept((deadline) -> {
				if (deadline.isPresent()) {
					schedule();
				}
			});
		}

		void stop() {
			this.stopped.set(true);
			this.next.cancel();
		}

	}

}
