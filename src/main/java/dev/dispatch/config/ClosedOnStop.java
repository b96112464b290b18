package dev.dispatch.config;

import org.springframework.context.SmartLifecycle;

/**
 * Closes a resource while the application stops, in a lifecycle phase of its own: before
 * the lifecycle beans of lower phases stop (lower phases stop later). A destroy method
 * would come too late for a resource made from such a bean, since beans are destroyed
 * only once every lifecycle bean has stopped: a Redis connection made from Spring's
 * connection factory, for one, which shuts its client down, and every connection of it,
 * when it stops.
 */
public final class ClosedOnStop implements SmartLifecycle {

	private final AutoCloseable resource;

	private final int phase;

	/** Whether started and not yet stopped. Written by the context's start and stop. */
	private volatile boolean running;

	/**
	 * @param resource closed once, when the context stops
	 * @param phase the phase to close it in (see {@link SmartLifecycle#getPhase()})
	 */
	public ClosedOnStop(AutoCloseable resource, int phase) {
		this.resource = resource;
		this.phase = phase;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		try {
			this.resource.close();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not close " + this.resource, ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

}
