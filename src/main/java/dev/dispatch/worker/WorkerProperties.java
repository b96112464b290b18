package dev.dispatch.worker;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import dev.dispatch.queue.QueueNames;
import dev.dispatch.queue.job.TakeOptions;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * In-process workers, under {@code dispatch.workers.*}.
 *
 * @param pushers producers that put jobs on a queue, by name
 * @param pullers consumers that hand jobs to a {@code JobHandler} bean, by name
 * @param shutdownGrace how long shutdown waits for handlers to finish the job in hand
 * before interrupting them (their jobs then go back to the queue)
 * @param simulatedWork settings of the built-in {@code simulatedWork} handler
 * @param exitWhenDone whether the application stops once every worker has ended by itself
 * (the demo's story is over); off, it goes on serving
 */
@Validated
@ConfigurationProperties("dispatch.workers")
public record WorkerProperties(Map<String, @Valid Pusher> pushers, Map<String, @Valid Puller> pullers,
		@DefaultValue("10s") Duration shutdownGrace, @DefaultValue @Valid SimulatedWork simulatedWork,
		@DefaultValue("false") boolean exitWhenDone) {

	public WorkerProperties {
		pushers = (pushers != null) ? Map.copyOf(pushers) : Map.of();
		pullers = (pullers != null) ? Map.copyOf(pullers) : Map.of();
	}

	/**
	 * A producer.
	 *
	 * @param queue the queue it puts on (created with the defaults if unknown and
	 * auto-create is on)
	 * @param count how many jobs to put; 0 puts without end
	 * @param interval pause between two puts; 0 puts as fast as the queue admits
	 * @param payload the JSON payload of each job, with {@code {n}} replaced by the job's
	 * number (1, 2, …)
	 * @param closeWhenDone whether to close the queue after the last job, so that pullers
	 * stop once it is drained
	 * @param putWait how long one put waits for room before it tries again (backpressure)
	 * @param joinWhenDone whether, after its last job, it waits until every job of the
	 * queue is done ({@code join}), as a program that must not end before its work does
	 */
	public record Pusher(@NotNull @Pattern(regexp = QueueNames.PATTERN) String queue,
			@DefaultValue("0") @Min(0) long count, @DefaultValue("0s") Duration interval,
			@DefaultValue("{n}") @NotBlank String payload, @DefaultValue("false") boolean closeWhenDone,
			@DefaultValue("20s") Duration putWait, @DefaultValue("false") boolean joinWhenDone) {

		/** The payload of job number {@code n}. */
		public String payloadOf(long n) {
			return this.payload.replace("{n}", Long.toString(n));
		}

	}

	/**
	 * A consumer.
	 *
	 * @param queue the queue it takes from
	 * @param handler name of the {@code JobHandler} bean that does the work
	 * @param concurrency how many jobs it works on at once, each on its own virtual
	 * thread
	 * @param batch most jobs one take asks for
	 * @param lease how long it holds a job before the lease must be extended; unset: the
	 * queue's lease timeout
	 * @param pollWait how long one take waits for a job before it asks again
	 * @param retryDelay how long a failed job waits before it is delivered again
	 */
	public record Puller(@NotNull @Pattern(regexp = QueueNames.PATTERN) String queue, @NotBlank String handler,
			@DefaultValue("1") @Min(1) @Max(256) int concurrency,
			@DefaultValue("1") @Min(1) @Max(TakeOptions.MAX_BATCH) int batch, Duration lease,
			@DefaultValue("20s") Duration pollWait, @DefaultValue("0s") Duration retryDelay) {

	}

	/**
	 * The built-in handler that logs a job and pretends to work on it.
	 *
	 * @param min shortest pretended work
	 * @param max longest pretended work
	 */
	public record SimulatedWork(@DefaultValue("0s") Duration min, @DefaultValue("3s") Duration max) {

	}

}
