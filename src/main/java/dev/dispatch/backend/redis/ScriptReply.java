package dev.dispatch.backend.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.dispatch.queue.spi.QueueState;

/**
 * A script's answer: {@code {status, state, values...}} (see {@code prelude.lua}).
 *
 * @param status what happened, as the script names it
 * @param state the queue after the script, or {@code null} when the script does not
 * report it
 * @param values the operation's own values
 */
record ScriptReply(String status, State state, List<Object> values) {

	@SuppressWarnings("unchecked")
	static ScriptReply of(List<Object> raw) {
		return new ScriptReply(text(raw.get(0)), stateOf((List<Object>) raw.get(1)), raw.subList(2, raw.size()));
	}

	/** The state a script answered, or {@code null} for none (empty). */
	static State stateOf(List<Object> state) {
		return state.isEmpty() ? null : State.of(state);
	}

	boolean is(String status) {
		return this.status.equals(status);
	}

	String text(int index) {
		return text(this.values.get(index));
	}

	long number(int index) {
		return number(this.values.get(index));
	}

	static String text(Object value) {
		return (value != null) ? new String((byte[]) value, StandardCharsets.UTF_8) : null;
	}

	static long number(Object value) {
		return (value instanceof Long n) ? n : Long.parseLong(text(value));
	}

	/**
	 * The state of the queue after a script.
	 *
	 * @param ready jobs ready
	 * @param delayed jobs delayed
	 * @param inFlight jobs leased
	 * @param closed whether it is closed
	 * @param purging whether it was closed immediately (or deleted)
	 * @param capacity its capacity
	 * @param outbox jobs waiting to be forwarded to a dead-letter queue
	 * @param expired leases this script found run out
	 * @param deadLetteredMaxAttempts jobs this script dead-lettered after their last
	 * attempt
	 * @param deadLetteredPurged jobs this script dead-lettered by a purge
	 * @param nextDue when the next lease runs out or delayed job falls due (epoch ms), or
	 * -1
	 * @param changed whether the script changed what a waiter could get
	 * @param paused whether delivery is paused
	 * @param maxInFlight its limit on leases held at once, 0 for none
	 * @param rateLimited whether its limit on leases per second allows none now
	 * @param maxInFlightPerGroup its limit on leases held at once per group, 0 for none
	 * @param groupLimited whether every ready job is in a group at that limit (told by a
	 * take that got nothing and by a snapshot; false in other answers)
	 */
	record State(long ready, long delayed, long inFlight, boolean closed, boolean purging, long capacity, long outbox,
			long expired, long deadLetteredMaxAttempts, long deadLetteredPurged, long nextDue, boolean changed,
			boolean paused, long maxInFlight, boolean rateLimited, long maxInFlightPerGroup, boolean groupLimited) {

		static State of(List<Object> v) {
			return new State(number(v.get(0)), number(v.get(1)), number(v.get(2)), number(v.get(3)) == 1,
					number(v.get(4)) == 1, number(v.get(5)), number(v.get(6)), number(v.get(7)), number(v.get(8)),
					number(v.get(9)), number(v.get(10)), number(v.get(11)) == 1, number(v.get(12)) == 1,
					number(v.get(13)), number(v.get(14)) == 1, number(v.get(15)), number(v.get(16)) == 1);
		}

		/**
		 * The same state without the counts of what the script did (expired,
		 * dead-lettered), for the calls after the first of one {@code many}: they are
		 * counted once.
		 */
		State untallied() {
			return new State(this.ready, this.delayed, this.inFlight, this.closed, this.purging, this.capacity,
					this.outbox, 0, 0, 0, this.nextDue, this.changed, this.paused, this.maxInFlight, this.rateLimited,
					this.maxInFlightPerGroup, this.groupLimited);
		}

		/** What a waiting room needs of it. */
		QueueState toQueueState() {
			return new QueueState(this.ready, this.delayed, this.inFlight, this.capacity, this.closed, this.purging,
					this.paused, this.nextDue, this.expired, this.deadLetteredMaxAttempts, this.deadLetteredPurged,
					this.maxInFlight, this.rateLimited, this.maxInFlightPerGroup, this.groupLimited);
		}

	}

}
