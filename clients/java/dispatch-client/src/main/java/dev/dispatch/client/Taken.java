package dev.dispatch.client;

import java.util.List;

/**
 * A take's answer: the leases it got (none when the wait elapsed), and whether the queue
 * is closed and drained, so that no job will ever come.
 *
 * @param leases the jobs taken, oldest first
 * @param drained whether the queue is closed and drained (then {@code leases} is empty)
 * @param settled what became of the settlements sent with the take
 * ({@link DispatchClient#settleAndTake}); empty for a plain take
 */
public record Taken(List<Lease> leases, boolean drained, List<SettleResult> settled) {

	public Taken {
		leases = List.copyOf(leases);
		settled = List.copyOf(settled);
	}

	public boolean isEmpty() {
		return this.leases.isEmpty();
	}

}
