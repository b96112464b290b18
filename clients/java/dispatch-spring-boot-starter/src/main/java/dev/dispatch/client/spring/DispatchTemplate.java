package dev.dispatch.client.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.dispatch.client.Accepted;
import dev.dispatch.client.DispatchClient;
import dev.dispatch.client.NewJob;
import dev.dispatch.client.TraceContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Puts jobs, each in a {@value DispatchObservations#PUT} observation whose trace context
 * the job carries to its consumer. Retries as {@link DispatchClient#put} does (lost
 * answer, {@code 429}, {@code 503}), always with an idempotency key, so that a retry
 * makes no duplicate. Thread-safe.
 */
public class DispatchTemplate {

	private final DispatchClient client;

	private final ObservationRegistry observations;

	private final Duration putWait;

	public DispatchTemplate(DispatchClient client, ObservationRegistry observations, Duration putWait) {
		this.client = client;
		this.observations = observations;
		this.putWait = putWait;
	}

	/** Puts a job whose payload Jackson writes (or a {@link NewJob}). */
	public Accepted put(String queue, Object payload) {
		return put(queue, (payload instanceof NewJob job) ? job : NewJob.of(payload), this.putWait);
	}

	/** Puts a job, waiting up to {@code wait} for room in the queue. */
	public Accepted put(String queue, NewJob job, Duration wait) {
		return observe(queue, (trace) -> this.client.put(queue, traced(job, trace), wait));
	}

	/**
	 * Puts up to 100 jobs as one (all or none), in one observation whose trace they
	 * carry.
	 */
	public List<Accepted> putBatch(String queue, List<NewJob> jobs, Duration wait) {
		return observe(queue, (trace) -> {
			List<NewJob> traced = new ArrayList<>(jobs.size());
			jobs.forEach((job) -> traced.add(traced(job, trace)));
			return this.client.putBatch(queue, traced, wait);
		});
	}

	/** The client it puts with. */
	public DispatchClient client() {
		return this.client;
	}

	private <T> T observe(String queue, Function<TraceContext, T> put) {
		DispatchObservations.PutContext context = new DispatchObservations.PutContext(queue);
		Observation observation = Observation
			.createNotStarted(DispatchObservations.PUT, () -> context, this.observations)
			.lowCardinalityKeyValue("queue", queue)
			.contextualName(queue + " send");
		observation.start();
		try (Observation.Scope scope = observation.openScope()) {
			return put.apply(context.trace());
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private static NewJob traced(NewJob job, TraceContext trace) {
		return (job.trace() != null || trace == null) ? job : job.withTrace(trace);
	}

}
