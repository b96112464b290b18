package dev.dispatch.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.dispatch.client.test.Backend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two service features the client is built on (issue #27): a job keeps its producer's
 * W3C trace context and hands it back on take, and a settle request takes jobs too
 * ({@code settle?take=N}), in one request. Both need a service that has them.
 */
class ServiceFeaturesTest {

	private static final TraceContext TRACE = new TraceContext(
			"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=opaque");

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aJobCarriesItsProducersTraceContextToTheConsumer(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("traced");
		client.put(queue, NewJob.of("single").withTrace(TRACE), Duration.ZERO);
		TraceContext other = new TraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);
		client.putBatch(queue, List.of(NewJob.of("in a batch").withTrace(other), NewJob.of("untraced")), Duration.ZERO);

		List<Optional<TraceContext>> traces = client.take(queue, new TakeOptions(3, Duration.ZERO, null))
			.leases()
			.stream()
			.map((lease) -> lease.job().trace())
			.toList();
		assertThat(traces).containsExactly(Optional.of(TRACE), Optional.of(other), Optional.empty());
	}

	@ParameterizedTest
	@EnumSource(Backend.class)
	void aSettleRequestTakesTheNextJobsInTheSameRequest(Backend backend) {
		DispatchClient client = Services.client(backend);
		String queue = Services.queue("settle-take");
		client.putBatch(queue, List.of(NewJob.of(1), NewJob.of(2), NewJob.of(3)), Duration.ZERO);
		Lease first = client.take(queue, new TakeOptions(1, Duration.ZERO, null)).leases().getFirst();

		Taken taken = client.settleAndTake(queue, List.of(Settlement.ack(first.leaseId())),
				new TakeOptions(2, Duration.ZERO, null));

		assertThat(client.takesInSettle()).as("the service took jobs in the settle request").isTrue();
		assertThat(taken.settled()).extracting(SettleResult::done).containsExactly(true);
		assertThat(taken.leases()).extracting((lease) -> lease.job().payload(Integer.class)).containsExactly(2, 3);
		client.closeQueue(queue, false);
		Taken last = client.settleAndTake(queue,
				taken.leases().stream().map((lease) -> Settlement.ack(lease.leaseId())).toList(),
				new TakeOptions(1, Duration.ZERO, null));
		assertThat(last.settled()).extracting(SettleResult::done).containsExactly(true, true);
		assertThat(last.drained()).isTrue();
	}

}
