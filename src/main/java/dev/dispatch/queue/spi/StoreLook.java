package dev.dispatch.queue.spi;

import java.time.Instant;
import java.util.List;

import dev.dispatch.queue.GroupCount;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueSnapshot;

/**
 * What a {@link QueueStore} tells of a queue when it is looked at, beyond its
 * {@link QueueState}.
 *
 * @param config the queue's configuration
 * @param oldestReadyAt when the oldest ready job entered the queue (a store may look at
 * the first ones only), or {@code null} if none is ready
 * @param groups fairness groups with ready jobs (see {@link QueueSnapshot#groups})
 * @param largestGroups those with the most ready jobs, most first (see
 * {@link QueueSnapshot#largestGroups})
 */
public record StoreLook(QueueConfig config, Instant oldestReadyAt, int groups, List<GroupCount> largestGroups) {

	public StoreLook {
		largestGroups = List.copyOf(largestGroups);
	}

}
