package dev.dispatch.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.dispatch.json.JsonValues;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.QueueSnapshot;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Starts the configured pushers and pullers once the application is ready, and stops them
 * on shutdown: parked puts and takes are withdrawn, handlers get {@code shutdownGrace} to
 * finish the job in hand (it is then acked), and after that they are interrupted (the job
 * goes back to the queue). When every puller of a queue has seen it drained, the queue's
 * final state is logged; with {@code exit-when-done}, the application then stops. Workers
 * run once per application: a context stopped and started again does not restart them.
 */
@Component
public class Workers implements SmartLifecycle {

	private static final Log log = LogFactory.getLog(Workers.class);

	private final WorkerProperties properties;

	private final Map<String, JobHandler> handlers;

	private final Pusher pusher;

	private final Puller puller;

	private final QueueRegistry registry;

	private final StopSignal stop = new StopSignal();

	private final List<CompletableFuture<WorkerReport>> running = new ArrayList<>();

	private final CompletableFuture<List<WorkerReport>> finished = new CompletableFuture<>();

	private volatile boolean started;

	private final ConfigurableApplicationContext context;

	Workers(WorkerProperties properties, Map<String, JobHandler> handlers, Pusher pusher, Puller puller,
			QueueRegistry registry, ConfigurableApplicationContext context) {
		this.context = context;
		this.properties = properties;
		this.handlers = handlers;
		this.pusher = pusher;
		this.puller = puller;
		this.registry = registry;
		properties.pushers().forEach((name, spec) -> {
			try {
				JsonValues.requireOne(spec.payloadOf(1).getBytes(StandardCharsets.UTF_8));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(
						"pusher '%s' has a payload template that is not JSON once {n} is filled in: %s".formatted(name,
								ex.getMessage()));
			}
		});
		properties.pullers().forEach((name, spec) -> {
			if (!handlers.containsKey(spec.handler())) {
				throw new IllegalStateException(
						"puller '%s' names handler '%s', but no JobHandler bean has that name; known: %s"
							.formatted(name, spec.handler(), new TreeMap<>(handlers).keySet()));
			}
		});
	}

	/** Every worker's report, once all of them have ended (drained, done, or stopped). */
	public CompletableFuture<List<WorkerReport>> finished() {
		return this.finished;
	}

	@EventListener(ApplicationReadyEvent.class)
	synchronized void launch() {
		if (this.stop.isRaised() || !this.running.isEmpty()) {
			return;
		}
		Map<String, List<CompletableFuture<WorkerReport>>> pullersByQueue = new TreeMap<>();
		new TreeMap<>(this.properties.pullers()).forEach((name, spec) -> {
			for (int slot = 1; slot <= spec.concurrency(); slot++) {
				String label = (spec.concurrency() == 1) ? name : name + "-" + slot;
				CompletableFuture<WorkerReport> worker = this.puller.run(label, spec, this.handlers.get(spec.handler()),
						this.stop);
				track(worker);
				pullersByQueue.computeIfAbsent(spec.queue(), (queue) -> new ArrayList<>()).add(worker);
			}
		});
		new TreeMap<>(this.properties.pushers()).forEach((name, spec) -> track(this.pusher.run(name, spec, this.stop)));
		CompletableFuture<?> drainedReported = CompletableFuture.allOf(pullersByQueue.entrySet()
			.stream()
			.map((entry) -> reportWhenDrained(entry.getKey(), entry.getValue()))
			.toArray(CompletableFuture[]::new));
		CompletableFuture.allOf(this.running.toArray(CompletableFuture[]::new))
			.thenCombine(drainedReported, (workers, reported) -> null)
			.whenComplete((ignored, failure) -> {
				this.finished.complete(reports());
				exitIfDone();
			});
		if (!this.running.isEmpty()) {
			log.info("Started %d pusher(s) and %d puller thread(s)".formatted(this.properties.pushers().size(),
					this.running.size() - this.properties.pushers().size()));
		}
	}

	private void track(CompletableFuture<WorkerReport> worker) {
		this.running.add(worker);
		worker.whenComplete((report, failure) -> {
			if (failure != null) {
				log.error("A worker failed", failure);
			}
		});
	}

	/**
	 * Stops the application once every worker has ended by itself, if asked to: on its
	 * own thread, as closing the context waits for the workers' executor.
	 */
	private void exitIfDone() {
		if (!this.properties.exitWhenDone() || this.stop.isRaised()) {
			return;
		}
		log.info("Every worker is done; stopping (dispatch.workers.exit-when-done=false keeps the service serving)");
		Thread.ofPlatform()
			.name("workers-exit")
			.start(() -> SpringApplication.exit(this.context, () -> (failedWorkers() ? 1 : 0)));
	}

	private boolean failedWorkers() {
		return this.running.stream().anyMatch(CompletableFuture::isCompletedExceptionally);
	}

	private CompletableFuture<Void> reportWhenDrained(String queue, List<CompletableFuture<WorkerReport>> pullers) {
		return CompletableFuture.allOf(pullers.toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
			if (failure != null) {
				return null;
			}
			boolean allDrained = pullers.stream()
				.map(CompletableFuture::join)
				.allMatch((r) -> ((WorkerReport.Pulled) r).drained());
			if (allDrained) {
				this.registry.find(queue)
					.ifPresent((q) -> log
						.info("Queue %s is drained; final state: %s".formatted(queue, describe(q.snapshot().join()))));
			}
			return null;
		});
	}

	private static String describe(QueueSnapshot s) {
		return "size=%d delayed=%d inFlight=%d unfinished=%d closed=%s".formatted(s.size(), s.delayed(), s.inFlight(),
				s.unfinished(), s.closed());
	}

	private List<WorkerReport> reports() {
		return this.running.stream()
			.filter((worker) -> !worker.isCompletedExceptionally())
			.map(CompletableFuture::join)
			.toList();
	}

	@Override
	public void start() {
		this.started = true;
	}

	@Override
	public boolean isRunning() {
		return this.started;
	}

	/**
	 * Stops every worker: withdraws parked operations, waits up to the shutdown grace for
	 * handlers to finish, then interrupts them so that they release their jobs.
	 */
	@Override
	public void stop() {
		List<CompletableFuture<WorkerReport>> workers;
		synchronized (this) {
			this.stop.raise();
			workers = List.copyOf(this.running);
		}
		this.started = false;
		if (workers.isEmpty()) {
			return;
		}
		CompletableFuture<Void> all = CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new));
		if (!await(all, this.properties.shutdownGrace())) {
			log.warn("Workers still busy after %s; interrupting them".formatted(this.properties.shutdownGrace()));
			this.stop.interruptWorkers();
			if (!await(all, Duration.ofSeconds(5))) {
				log.error("Workers did not stop; their leased jobs return to the queue when the leases expire");
			}
		}
	}

	private static boolean await(CompletableFuture<?> all, Duration timeout) {
		try {
			all.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Stop workers early: before the web server's graceful shutdown (phase
	 * {@code DEFAULT_PHASE - 2048}; higher phases stop first) and before any bean they
	 * use is destroyed.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 512;
	}

}
