package dev.dispatch.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.dispatch.history.QueueHistory;
import dev.dispatch.queue.job.DeadLetter;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.JobInfo;
import dev.dispatch.queue.GroupCount;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueSnapshot;
import dev.dispatch.queue.job.Settle;
import dev.dispatch.queue.job.Settled;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.queue.job.TraceContext;

/** The JSON bodies of the API's answers. */
final class Views {

	private Views() {
	}

	/** A job accepted by a put; {@code readyAt} for a delayed one. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Accepted(String id, String queue, Instant enqueuedAt, Instant readyAt) {
	}

	/** The jobs of a batch put, in the batch's order. */
	record AcceptedBatch(String queue, List<BatchJob> jobs) {
	}

	/**
	 * One job of a batch put: {@code readyAt} for a delayed one, {@code duplicate} when
	 * it repeated a known key (the id is the original job's).
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record BatchJob(String id, Instant enqueuedAt, Instant readyAt, Boolean duplicate) {
	}

	/**
	 * A queue's state. Each limit shows only when the queue has it; so does
	 * {@code groupLimited}, with its limit per group.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record QueueInfo(String name, int capacity, String leaseTimeout, int maxAttempts, String deadLetterQueue,
			Integer maxInFlight, Integer maxLeasesPerSecond, Integer maxInFlightPerGroup, int size, int delayed,
			int inFlight, int unfinished, int waitingPutters, int waitingTakers, boolean closed, boolean drained,
			boolean paused, Instant oldestReadyAt, int groups, List<GroupReady> largestGroups, Boolean groupLimited,
			Integer purged) {

		static QueueInfo of(QueueSnapshot s) {
			return of(s, null);
		}

		static QueueInfo of(QueueSnapshot s, Integer purged) {
			QueueConfig config = s.config();
			return new QueueInfo(s.name(), s.capacity(), config.leaseTimeout().toString(), config.maxAttempts(),
					config.deadLetterQueueFor(s.name()), limit(config.maxInFlight()),
					limit(config.maxLeasesPerSecond()), limit(config.maxInFlightPerGroup()), s.size(), s.delayed(),
					s.inFlight(), s.unfinished(), s.waitingPutters(), s.waitingTakers(), s.closed(), s.drained(),
					s.paused(), s.oldestReadyAt(), s.groups(),
					s.largestGroups().isEmpty() ? null : s.largestGroups().stream().map(GroupReady::of).toList(),
					(config.maxInFlightPerGroup() == QueueConfig.UNLIMITED) ? null : s.groupLimited(), purged);
		}

		/** A limit as shown: absent when there is none. */
		private static Integer limit(int limit) {
			return (limit == QueueConfig.UNLIMITED) ? null : limit;
		}

	}

	/** One group's ready jobs; the default group names none. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record GroupReady(String group, int ready) {

		static GroupReady of(GroupCount count) {
			return new GroupReady(count.group(), count.ready());
		}

	}

	/** A job handed to a consumer; the payload is written exactly as it was sent. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Lease(@JsonInclude(JsonInclude.Include.ALWAYS) String leaseId, String jobId, @JsonRawValue String payload,
			int attempt, Instant enqueuedAt, @JsonInclude(JsonInclude.Include.ALWAYS) Instant leaseExpiresAt,
			DeadLetterInfo deadLetter, String traceparent, String tracestate, int priority, String group) {

		static List<Lease> of(List<Delivery> deliveries, boolean autoAck) {
			return deliveries.stream()
				.map((d) -> new Lease(autoAck ? null : d.leaseId(), d.jobId(), d.payload().asString(), d.attempt(),
						d.enqueuedAt(), autoAck ? null : d.leaseExpiresAt(), DeadLetterInfo.of(d.deadLetter()),
						parentOf(d.trace()), stateOf(d.trace()), d.lane().priority(), d.lane().group()))
				.toList();
		}

	}

	private static String parentOf(TraceContext trace) {
		return (trace != null) ? trace.traceparent() : null;
	}

	private static String stateOf(TraceContext trace) {
		return (trace != null) ? trace.tracestate() : null;
	}

	/** A job looked up; the payload is written exactly as it was sent. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Job(String id, String queue, String state, @JsonRawValue String payload, int attempt, Instant enqueuedAt,
			Instant readyAt, Instant leaseExpiresAt, DeadLetterInfo deadLetter, String traceparent, String tracestate,
			int priority, String group) {

		static Job of(String queue, JobInfo job) {
			return new Job(job.id(), queue, job.state().label(), job.payload().asString(), job.attempt(),
					job.enqueuedAt(), job.readyAt(), job.leaseExpiresAt(), DeadLetterInfo.of(job.deadLetter()),
					parentOf(job.trace()), stateOf(job.trace()), job.lane().priority(), job.lane().group());
		}

	}

	/** A page of jobs, and the cursor of the next page ({@code null}: none). */
	record JobPage(List<Job> jobs, @JsonInclude(JsonInclude.Include.ALWAYS) String next) {
	}

	/** What a redrive moved where, and what it left. */
	record Redriven(int moved, Map<String, Integer> queues, int left) {

		static Redriven of(dev.dispatch.queue.Redriven outcome) {
			return new Redriven(outcome.total(), new TreeMap<>(outcome.moved()), outcome.left());
		}

	}

	/** Where a dead-lettered job came from. */
	record DeadLetterInfo(String queue, String reason, int attempts) {

		static DeadLetterInfo of(DeadLetter deadLetter) {
			return (deadLetter != null)
					? new DeadLetterInfo(deadLetter.queue(), deadLetter.reason().label(), deadLetter.attempts()) : null;
		}

	}

	/**
	 * A queue's recent history, oldest sample first: per interval, the jobs put, acked
	 * and dead-lettered during it (on this instance), and the jobs ready, delayed and in
	 * flight at its end.
	 */
	record History(String queue, String interval, List<HistorySample> samples) {

		static History of(String queue, Duration interval, List<QueueHistory.Sample> kept) {
			return new History(queue, interval.toString(),
					kept.stream()
						.map((s) -> new HistorySample(s.at(), s.put(), s.acked(), s.deadLettered(), s.ready(),
								s.delayed(), s.inFlight()))
						.toList());
		}

	}

	/** One interval of a queue's history, ending at {@code at}. */
	record HistorySample(Instant at, long put, long acked, long deadLettered, int ready, int delayed, int inFlight) {
	}

	/** A lease's new deadline. */
	record Extended(Instant leaseExpiresAt) {
	}

	/** What a batch settle did with each lease, in the order sent. */
	record SettleResults(List<SettleResult> results) {

		static SettleResults of(List<Settle> asked, List<Settled> outcomes) {
			List<SettleResult> results = new ArrayList<>(asked.size());
			for (int i = 0; i < asked.size(); i++) {
				Settled settled = outcomes.get(i);
				results.add(new SettleResult(asked.get(i).leaseId(), asked.get(i).action().label(),
						settled.held() ? "done" : "lease-expired", settled.leaseExpiresAt()));
			}
			return new SettleResults(results);
		}

	}

	/**
	 * What a settle that also takes did: each lease's outcome, then the jobs taken
	 * ({@code []} when none came during the wait); {@code drained} when the queue is
	 * closed and no job will come.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record SettledAndTaken(List<SettleResult> results, List<Lease> jobs, Boolean drained) {

		static SettledAndTaken of(List<Settle> asked, TakeOutcome outcome) {
			List<SettleResult> results = SettleResults.of(asked, outcome.settled()).results();
			return switch (outcome) {
				case TakeOutcome.Delivered delivered ->
					new SettledAndTaken(results, Lease.of(delivered.deliveries(), false), null);
				case TakeOutcome.Empty empty -> new SettledAndTaken(results, List.of(), null);
				case TakeOutcome.Drained drained -> new SettledAndTaken(results, List.of(), true);
			};
		}

	}

	/**
	 * One lease of a batch settle: {@code done}, or {@code lease-expired} when it was not
	 * held (and nothing happened); an extension's new deadline.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record SettleResult(String lease, String action, String outcome, Instant leaseExpiresAt) {
	}

}
