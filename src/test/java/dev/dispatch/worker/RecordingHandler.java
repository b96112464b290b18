package dev.dispatch.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.dispatch.queue.job.Delivery;

/** Wraps a handler and writes down which worker thread handled which payload. */
final class RecordingHandler implements JobHandler {

	/** One handled job: the worker's name and the job's payload. */
	record Handled(String worker, String payload) {
	}

	private final JobHandler delegate;

	private final List<Handled> handled = new CopyOnWriteArrayList<>();

	RecordingHandler(JobHandler delegate) {
		this.delegate = delegate;
	}

	@Override
	public void handle(Delivery job) throws Exception {
		this.delegate.handle(job);
		this.handled.add(new Handled(Thread.currentThread().getName(), job.payload().asString()));
	}

	List<Handled> handled() {
		return List.copyOf(this.handled);
	}

}
