package dev.dispatch.queue;

/**
 * One fairness group's ready jobs in a queue.
 *
 * @param group the group's name; {@code null} for the default group
 * @param ready its ready jobs, at every priority
 */
public record GroupCount(String group, int ready) {

}
