package dev.dispatch.queue.spi;

/**
 * What a {@link QueueStore} (or whoever runs it) tells its {@link WaitingRoom} of changes
 * made outside the room's own operations: the store's timers (a lease that ran out, a
 * delayed job that fell due), jobs that arrived from another queue, other processes that
 * share the store. Call after the store's own lock, if any, is released.
 */
public interface StoreEvents {

	/**
	 * The queue is now in {@code state}: the room serves parked requests that could be
	 * served and tells the listener what the state's tallies say.
	 */
	void learn(QueueState state);

	/**
	 * Something may have changed for the parked requests, through another process: the
	 * room tries them again.
	 */
	void nudge();

	/**
	 * A change may have gone unheard (before the room watched the store): the room looks
	 * at the store and acts on what it finds.
	 */
	void look();

}
