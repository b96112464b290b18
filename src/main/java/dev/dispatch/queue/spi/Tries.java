package dev.dispatch.queue.spi;

/** The tries an {@link Usher} decides under the room's lock and sends after it. */
final class Tries {

	private Tries() {
	}

	/**
	 * A put's try, decided under the lock and sent after it.
	 *
	 * @param putter the put
	 * @param attempt what the store is asked
	 * @param handTo the take its job may go to, or {@code null}
	 * @param pumped whether the put pump sent it
	 * @param wakesAtSend the nudges counted when it was decided
	 */
	record PutTry(PutWaiter putter, PutAttempt attempt, TakeWaiter handTo, boolean pumped, long wakesAtSend) {
	}

	/**
	 * A take's try, decided under the lock and sent after it.
	 *
	 * @param taker the take
	 * @param pumped whether the take pump sent it
	 * @param wakesAtSend the nudges counted when it was decided
	 */
	record TakeTry(TakeWaiter taker, boolean pumped, long wakesAtSend) {
	}

}
