package dev.dispatch.client.spring;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

import dev.dispatch.client.Job;
import dev.dispatch.client.JobHandler;
import dev.dispatch.client.Lease;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.util.ReflectionUtils;

/**
 * One {@code @DispatchListener} method as a {@link JobHandler}: binds the job to the
 * method's parameters (payload by Jackson, {@link Lease}, {@link Job}), and runs it in a
 * {@value DispatchObservations#LISTENER} observation that continues the producer's trace
 * and, as a timer, is tagged with the queue, the listener and the outcome
 * ({@code success} or {@code failure}).
 */
final class ListenerMethod implements JobHandler {

	private final Object bean;

	private final Method method;

	private final String queue;

	private final String name;

	private final ObservationRegistry observations;

	/** What each parameter gets. */
	private final Kind[] kinds;

	/** The payload parameter's type, or null when the method takes no payload. */
	private final Type payloadType;

	ListenerMethod(Object bean, Method method, String queue, String name, ObservationRegistry observations) {
		this.bean = bean;
		this.method = method;
		this.queue = queue;
		this.name = name;
		this.observations = observations;
		Class<?>[] types = method.getParameterTypes();
		this.kinds = new Kind[types.length];
		Type payload = null;
		for (int i = 0; i < types.length; i++) {
			if (types[i] == Lease.class) {
				this.kinds[i] = Kind.LEASE;
			}
			else if (types[i] == Job.class) {
				this.kinds[i] = Kind.JOB;
			}
			else if (payload == null) {
				this.kinds[i] = Kind.PAYLOAD;
				payload = method.getGenericParameterTypes()[i];
			}
			else {
				throw new IllegalStateException("@DispatchListener method " + name
						+ " takes two payloads; it may take one payload, a Lease and a Job");
			}
		}
		this.payloadType = payload;
		ReflectionUtils.makeAccessible(method);
	}

	String name() {
		return this.name;
	}

	@Override
	public void handle(Lease lease) throws Exception {
		Job job = lease.job();
		DispatchObservations.ListenerContext context = new DispatchObservations.ListenerContext(job);
		Observation observation = Observation
			.createNotStarted(DispatchObservations.LISTENER, () -> context, this.observations)
			.lowCardinalityKeyValue("queue", this.queue)
			.lowCardinalityKeyValue("listener", this.name)
			.highCardinalityKeyValue("job.id", job.id())
			.contextualName(this.queue + " process");
		observation.start();
		String outcome = "failure";
		try (Observation.Scope scope = observation.openScope()) {
			this.method.invoke(this.bean, arguments(lease));
			outcome = "success";
		}
		catch (InvocationTargetException ex) {
			observation.error(ex.getCause());
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.lowCardinalityKeyValue("outcome", outcome);
			observation.stop();
		}
	}

	private Object[] arguments(Lease lease) {
		Object[] arguments = new Object[this.kinds.length];
		for (int i = 0; i < arguments.length; i++) {
			arguments[i] = switch (this.kinds[i]) {
				case LEASE -> lease;
				case JOB -> lease.job();
				case PAYLOAD -> lease.job().payload(this.payloadType);
			};
		}
		return arguments;
	}

	private enum Kind {

		PAYLOAD, LEASE, JOB

	}

}
