package dev.dispatch.queue.job;

/**
 * Where a job waits among a queue's ready jobs, which decides when a take gets it: a take
 * gets a job of the highest priority that has ready jobs; within a priority, the fairness
 * groups that have ready jobs take turns (a group that was served waits until every other
 * group with jobs had its turn); within a group, first in, first out. A job keeps its
 * lane when it is delayed, handed back, redelivered, dead-lettered and redriven. See
 * docs/semantics.md for the exact rules.
 *
 * @param priority {@value #MIN_PRIORITY} to {@value #MAX_PRIORITY}, higher is served
 * first; {@value #DEFAULT_PRIORITY} by default
 * @param group the fairness group (a tenant, a customer…), 1 to
 * {@value #MAX_GROUP_LENGTH} characters without control characters, or {@code null}: the
 * default group, shared by every job put without one
 */
public record Lane(int priority, String group) {

	/** The lowest priority. */
	public static final int MIN_PRIORITY = 1;

	/** The highest priority. */
	public static final int MAX_PRIORITY = 9;

	/** The priority of a job put without one. */
	public static final int DEFAULT_PRIORITY = 5;

	/** The longest group name accepted. */
	public static final int MAX_GROUP_LENGTH = 128;

	/** The lane of a job put without a priority or a group. */
	public static final Lane DEFAULT = new Lane(DEFAULT_PRIORITY, null);

	public Lane {
		if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
			throw new IllegalArgumentException(
					"priority must be " + MIN_PRIORITY + " to " + MAX_PRIORITY + ", got " + priority);
		}
		if (group != null) {
			requireGroup(group);
		}
	}

	/** The lane of this priority and group ({@code null}: the default group). */
	public static Lane of(int priority, String group) {
		return (priority == DEFAULT_PRIORITY && group == null) ? DEFAULT : new Lane(priority, group);
	}

	/** This lane at another priority. */
	public Lane withPriority(int priority) {
		return of(priority, this.group);
	}

	/** This lane in another group ({@code null}: the default group). */
	public Lane withGroup(String group) {
		return of(this.priority, group);
	}

	/** Whether this is {@link #DEFAULT}: the default priority, the default group. */
	public boolean isDefault() {
		return this.priority == DEFAULT_PRIORITY && this.group == null;
	}

	private static void requireGroup(String group) {
		if (group.isEmpty() || group.length() > MAX_GROUP_LENGTH) {
			throw new IllegalArgumentException("group must be 1 to " + MAX_GROUP_LENGTH + " characters");
		}
		for (int i = 0; i < group.length(); i++) {
			if (Character.isISOControl(group.charAt(i))) {
				throw new IllegalArgumentException("group must not contain control characters");
			}
		}
	}

}
