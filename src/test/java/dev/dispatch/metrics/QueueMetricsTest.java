package dev.dispatch.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.dispatch.backend.memory.MemoryQueueRegistry;
import dev.dispatch.queue.CloseMode;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.job.Lane;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.ManualScheduler;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each meter's value after known operations, read through the Micrometer registry. */
class QueueMetricsTest {

	private final ManualScheduler time = new ManualScheduler();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private QueueRegistry registry;

	private JobQueue queue;

	@BeforeEach
	void setUp() {
		AtomicReference<QueueRegistry> holder = new AtomicReference<>();
		QueueMetrics metrics = new QueueMetrics(this.meters, holder::get, this.time, Duration.ZERO);
		this.registry = new MemoryQueueRegistry(this.time, metrics, QueueConfig.DEFAULTS, true, Duration.ofMinutes(10));
		holder.set(this.registry);
		this.registry.configure("q", new QueueConfig(2, Duration.ofSeconds(30), 2, null));
		this.queue = this.registry.require("q");
	}

	private double gauge(String name, String... tags) {
		return this.meters.get(name).tags(Tags.of("queue", "q").and(tags)).gauge().value();
	}

	private double counter(String name, String... tags) {
		return this.meters.get(name).tags(Tags.of("queue", "q").and(tags)).counter().count();
	}

	private PutOutcome put(String payload, Duration wait) {
		return this.queue.put(Payload.of(payload), PutOptions.waiting(wait)).join();
	}

	private void putInGroup(String group) {
		assertThat(
				this.queue.put(Payload.of(group), PutOptions.noWait().withLane(Lane.DEFAULT.withGroup(group))).join())
			.isInstanceOf(PutOutcome.Accepted.class);
	}

	private Delivery take() {
		return ((TakeOutcome.Delivered) this.queue.take(TakeOptions.leased(Duration.ZERO)).join()).deliveries()
			.getFirst();
	}

	@Test
	void oneReadOfAQueueServesAllItsGaugesForTheTtl() {
		MeterRegistry scraped = new SimpleMeterRegistry();
		AtomicInteger reads = new AtomicInteger();
		QueueMetrics cached = new QueueMetrics(scraped, () -> {
			reads.incrementAndGet();
			return this.registry;
		}, this.time, Duration.ofMinutes(1));
		cached.queueCreated("q");
		put("a", Duration.ZERO);
		List<Double> values = scraped.getMeters()
			.stream()
			.filter((meter) -> meter instanceof Gauge)
			.map((meter) -> ((Gauge) meter).value())
			.toList();
		assertThat(values).hasSizeGreaterThanOrEqualTo(9);
		assertThat(reads).as("one snapshot for every gauge of the queue").hasValue(1);
		assertThat(scraped.get("dispatch.queue.size").tag("queue", "q").gauge().value()).isEqualTo(1);
	}

	@Test
	void gaugesReflectTheQueueAtReadTime() {
		assertThat(gauge("dispatch.queue.capacity")).isEqualTo(2);
		put("a", Duration.ZERO);
		put("b", Duration.ZERO);
		CompletableFuture<PutOutcome> parked = this.queue.put(Payload.of("c"),
				PutOptions.waiting(Duration.ofMinutes(1)));
		this.time.advance(Duration.ofSeconds(7));
		assertThat(gauge("dispatch.queue.size")).isEqualTo(2);
		assertThat(gauge("dispatch.queue.waiters", "op", "put")).isEqualTo(1);
		assertThat(gauge("dispatch.queue.waiters", "op", "take")).isZero();
		assertThat(gauge("dispatch.queue.oldest.age")).isEqualTo(7.0);

		Delivery a = take();
		assertThat(parked.join()).isInstanceOf(PutOutcome.Accepted.class);
		this.queue.nack(take().leaseId(), Duration.ofSeconds(5)).join();
		assertThat(gauge("dispatch.queue.inflight")).isEqualTo(1);
		assertThat(gauge("dispatch.queue.delayed")).isEqualTo(1);
		assertThat(gauge("dispatch.queue.size")).isEqualTo(1);
		assertThat(gauge("dispatch.queue.unfinished")).isEqualTo(3);
		assertThat(gauge("dispatch.queue.closed")).isZero();
		assertThat(gauge("dispatch.queue.paused")).isZero();
		this.queue.pause().join();
		assertThat(gauge("dispatch.queue.paused")).isEqualTo(1);
		this.queue.resume().join();
		assertThat(gauge("dispatch.queue.paused")).isZero();

		this.queue.ack(a.leaseId()).join();
		this.queue.close(CloseMode.GRACEFUL).join();
		assertThat(gauge("dispatch.queue.closed")).isEqualTo(1);
		assertThat(gauge("dispatch.queue.unfinished")).isEqualTo(2);
	}

	@Test
	void takesHeldBackByTheInFlightLimitAreCounted() {
		this.registry.configure("q", new QueueConfig(2, Duration.ofSeconds(30), 2, null, 1));
		assertThat(gauge("dispatch.queue.inflight.limit")).isEqualTo(1);
		put("a", Duration.ZERO);
		put("b", Duration.ZERO);
		Delivery a = take();
		CompletableFuture<TakeOutcome> parked = this.queue.take(TakeOptions.leased(Duration.ofMinutes(1)));
		assertThat(gauge("dispatch.queue.takers.held", "limit", "inflight")).isEqualTo(1);
		this.queue.ack(a.leaseId()).join();
		assertThat(parked.join()).isInstanceOf(TakeOutcome.Delivered.class);
		assertThat(gauge("dispatch.queue.takers.held", "limit", "inflight")).isZero();
	}

	@Test
	void takesHeldBackByTheRateAreCounted() {
		this.registry.configure("q", new QueueConfig(2, Duration.ofSeconds(30), 2, null, QueueConfig.UNLIMITED, 10));
		assertThat(gauge("dispatch.queue.lease.rate.limit")).isEqualTo(10);
		put("a", Duration.ZERO);
		put("b", Duration.ZERO);
		take();
		CompletableFuture<TakeOutcome> parked = this.queue.take(TakeOptions.leased(Duration.ofMinutes(1)));
		assertThat(gauge("dispatch.queue.takers.held", "limit", "rate")).isEqualTo(1);
		assertThat(gauge("dispatch.queue.takers.held", "limit", "inflight")).isZero();
		this.time.advance(Duration.ofMillis(100));
		assertThat(parked.join()).isInstanceOf(TakeOutcome.Delivered.class);
		assertThat(gauge("dispatch.queue.takers.held", "limit", "rate")).isZero();
	}

	@Test
	void takesHeldBackByTheLimitPerGroupAreCounted() {
		this.registry.configure("q",
				new QueueConfig(2, Duration.ofSeconds(30), 2, null, QueueConfig.UNLIMITED, QueueConfig.UNLIMITED, 1));
		assertThat(gauge("dispatch.queue.inflight.group.limit")).isEqualTo(1);
		assertThat(gauge("dispatch.queue.inflight.limit")).isZero();
		putInGroup("a");
		putInGroup("a");
		Delivery a = take();
		CompletableFuture<TakeOutcome> parked = this.queue.take(TakeOptions.leased(Duration.ofMinutes(1)));
		assertThat(parked).isNotDone();
		assertThat(gauge("dispatch.queue.takers.held", "limit", "group")).isEqualTo(1);
		assertThat(gauge("dispatch.queue.takers.held", "limit", "inflight")).isZero();
		assertThat(gauge("dispatch.queue.takers.held", "limit", "rate")).isZero();
		this.queue.ack(a.leaseId()).join();
		assertThat(parked.join()).isInstanceOf(TakeOutcome.Delivered.class);
		assertThat(gauge("dispatch.queue.takers.held", "limit", "group")).isZero();
	}

	@Test
	void aTakeHeldBackByMoreThanOneLimitIsCountedUnderTheFirst() {
		// in flight before per group: both reached, the take counts as held by in flight
		this.registry.configure("q", new QueueConfig(2, Duration.ofSeconds(30), 2, null, 1, QueueConfig.UNLIMITED, 1));
		putInGroup("a");
		putInGroup("a");
		Delivery a = take();
		CompletableFuture<TakeOutcome> parked = this.queue.take(TakeOptions.leased(Duration.ofMinutes(1)));
		assertThat(gauge("dispatch.queue.takers.held", "limit", "inflight")).isEqualTo(1);
		assertThat(gauge("dispatch.queue.takers.held", "limit", "group")).isZero();
		assertThat(gauge("dispatch.queue.takers.held", "limit", "rate")).isZero();
		this.queue.ack(a.leaseId()).join();
		Delivery second = ((TakeOutcome.Delivered) parked.join()).deliveries().getFirst();
		this.queue.ack(second.leaseId()).join();

		// per group before per second: the one lease a second is spent and group "a"
		// holds
		// its one lease
		this.registry.configure("q", new QueueConfig(2, Duration.ofSeconds(30), 2, null, QueueConfig.UNLIMITED, 1, 1));
		putInGroup("a");
		putInGroup("a");
		take();
		parked = this.queue.take(TakeOptions.leased(Duration.ofMinutes(1)));
		assertThat(gauge("dispatch.queue.takers.held", "limit", "group")).isEqualTo(1);
		assertThat(gauge("dispatch.queue.takers.held", "limit", "rate")).isZero();
		assertThat(gauge("dispatch.queue.takers.held", "limit", "inflight")).isZero();
	}

	@Test
	void countersAndTimersMoveAsJobsFlow() {
		CompletableFuture<TakeOutcome> parkedTake = this.queue.take(TakeOptions.autoAcked(Duration.ofSeconds(10)));
		this.time.advance(Duration.ofSeconds(2));
		put("direct", Duration.ZERO);
		assertThat(parkedTake.join()).isInstanceOf(TakeOutcome.Delivered.class);
		put("a", Duration.ZERO);
		put("b", Duration.ZERO);
		put("refused", Duration.ZERO);
		this.time.advance(Duration.ofSeconds(3));
		Delivery a = take();
		this.queue.nack(a.leaseId(), Duration.ZERO).join();
		Delivery again = take();
		this.queue.nack(again.leaseId(), Duration.ZERO).join(); // second attempt of 2:
																// dead letter
		Delivery b = take();
		this.time.advance(Duration.ofSeconds(30)); // b's lease expires
		this.queue.close(CloseMode.GRACEFUL).join();
		put("late", Duration.ZERO);

		assertThat(counter("dispatch.jobs.enqueued")).isEqualTo(3);
		assertThat(counter("dispatch.jobs.delivered", "path", "direct")).isEqualTo(1);
		assertThat(counter("dispatch.jobs.delivered", "path", "buffered")).isEqualTo(3);
		assertThat(counter("dispatch.jobs.acked")).as("auto-acked at delivery").isEqualTo(1);
		assertThat(counter("dispatch.jobs.nacked")).isEqualTo(2);
		assertThat(counter("dispatch.jobs.expired")).isEqualTo(1);
		assertThat(counter("dispatch.jobs.deadlettered", "reason", "max-attempts")).isEqualTo(1);
		assertThat(counter("dispatch.puts.rejected", "reason", "full")).isEqualTo(1);
		assertThat(counter("dispatch.puts.rejected", "reason", "closed")).isEqualTo(1);
		assertThat(b.attempt()).isEqualTo(1);

		var takeWait = this.meters.get("dispatch.take.wait").tags("queue", "q", "outcome", "delivered").timer();
		assertThat(takeWait.max(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(2.0);
		var queued = this.meters.get("dispatch.job.queued").tags("queue", "q").timer();
		assertThat(queued.count()).as("first deliveries only: direct, a, b").isEqualTo(3);
		assertThat(queued.max(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(3.0);
		assertThat(this.meters.get("dispatch.put.wait").tags("queue", "q", "outcome", "full").timer().count())
			.isEqualTo(1);
	}

	@Test
	void aDeletedQueuesMetersAreRemoved() {
		put("a", Duration.ZERO);
		assertThat(this.meters.find("dispatch.queue.size").tag("queue", "q").gauge()).isNotNull();
		this.registry.delete("q");
		assertThat(this.meters.find("dispatch.queue.size").tag("queue", "q").meters()).isEmpty();
		assertThat(this.meters.find("dispatch.jobs.enqueued").tag("queue", "q").meters()).isEmpty();
		assertThat(this.meters.find("dispatch.queue.size").tag("queue", "q.dead").gauge()).isNotNull();
	}

}
