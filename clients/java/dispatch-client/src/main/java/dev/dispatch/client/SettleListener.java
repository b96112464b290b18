package dev.dispatch.client;

/**
 * Told what became of each settlement a {@link DispatchConsumer} sent for its handlers'
 * jobs (acks, nacks, and releases at shutdown; not those a handler made itself), once the
 * service has answered. Called on the thread that sent it; must be quick and must not
 * throw.
 */
@FunctionalInterface
public interface SettleListener {

	/** Ignores every settlement. */
	SettleListener NONE = (job, action, done) -> {
	};

	/**
	 * @param job the job
	 * @param action what was sent
	 * @param done true when carried out; false when the lease was not held any more: the
	 * job will be delivered again, unless this was the settlement sent again after a
	 * request that got no answer, and the first try had carried it out
	 */
	void settled(Job job, Settlement.Action action, boolean done);

}
