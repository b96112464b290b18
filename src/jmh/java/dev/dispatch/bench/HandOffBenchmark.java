package dev.dispatch.bench;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;

import dev.dispatch.backend.memory.MemoryQueueRegistry;
import dev.dispatch.backend.redis.RedisConnections;
import dev.dispatch.backend.redis.RedisQueueRegistry;
import dev.dispatch.queue.job.Delivery;
import dev.dispatch.queue.JobQueue;
import dev.dispatch.queue.job.Payload;
import dev.dispatch.queue.job.PutOptions;
import dev.dispatch.queue.job.PutOutcome;
import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.QueueListener;
import dev.dispatch.queue.QueueRegistry;
import dev.dispatch.queue.SystemScheduler;
import dev.dispatch.queue.job.TakeOptions;
import dev.dispatch.queue.job.TakeOutcome;
import dev.dispatch.support.RedisServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Put→take hand-off through one queue of capacity 1000, with 1 and 2 producer/consumer thread
 * pairs: Dispatch's queues on the memory and the Redis backend (each settled at delivery, or
 * leased and then acked) beside the JDK's {@code ArrayBlockingQueue} and
 * {@code LinkedBlockingQueue} doing the same work.
 *
 * <p>
 * The Redis queues run on a {@code redis-server} started for the trial on a loopback port (no
 * persistence), through one registry, as one replica of the service uses it: one pipelined
 * command connection shared by every thread.
 *
 * <p>
 * Every put and take waits at most 10 ms (a timed offer/poll for the JDK queues), so that no
 * thread is left blocked when JMH ends an iteration. Scores are operations per microsecond for
 * each side; a group's score is its puts plus its takes.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandOffBenchmark {

	private static final Duration WAIT = Duration.ofMillis(10);

	private static final Payload PAYLOAD = Payload.of("{\"n\":42}");

	@Param({ "dispatch-autoack", "dispatch-leased", "redis-autoack", "redis-leased", "ArrayBlockingQueue",
			"LinkedBlockingQueue" })
	public String queue;

	private Channel channel;

	@Setup(Level.Trial)
	public void open() {
		this.channel = switch (this.queue) {
			case "dispatch-autoack" -> DispatchChannel.inMemory(false);
			case "dispatch-leased" -> DispatchChannel.inMemory(true);
			case "redis-autoack" -> DispatchChannel.inRedis(false);
			case "redis-leased" -> DispatchChannel.inRedis(true);
			case "ArrayBlockingQueue" -> new JdkChannel(new ArrayBlockingQueue<>(1000));
			case "LinkedBlockingQueue" -> new JdkChannel(new LinkedBlockingQueue<>(1000));
			default -> throw new IllegalArgumentException(this.queue);
		};
	}

	@TearDown(Level.Trial)
	public void close() {
		this.channel.close();
	}

	@Benchmark
	@Group("pairs1")
	@GroupThreads(1)
	public boolean put1() throws InterruptedException {
		return this.channel.put();
	}

	@Benchmark
	@Group("pairs1")
	@GroupThreads(1)
	public Object take1() throws InterruptedException {
		return this.channel.take();
	}

	@Benchmark
	@Group("pairs2")
	@GroupThreads(2)
	public boolean put2() throws InterruptedException {
		return this.channel.put();
	}

	@Benchmark
	@Group("pairs2")
	@GroupThreads(2)
	public Object take2() throws InterruptedException {
		return this.channel.take();
	}

	/** The two operations measured, for each kind of queue. */
	private interface Channel {

		boolean put() throws InterruptedException;

		Object take() throws InterruptedException;

		void close();

	}

	private static final class DispatchChannel implements Channel {

		private final JobQueue queue;

		private final boolean leased;

		private final TakeOptions take;

		/** What the channel runs on, closed last opened first: the registry before its scheduler. */
		private final Deque<AutoCloseable> resources;

		private DispatchChannel(QueueRegistry registry, boolean leased, Deque<AutoCloseable> resources) {
			registry.configure("bench", QueueConfig.DEFAULTS.withCapacity(1000));
			this.queue = registry.require("bench");
			this.leased = leased;
			this.take = leased ? TakeOptions.leased(WAIT) : TakeOptions.autoAcked(WAIT);
			this.resources = resources;
		}

		static DispatchChannel inMemory(boolean leased) {
			Deque<AutoCloseable> resources = new ArrayDeque<>();
			SystemScheduler scheduler = new SystemScheduler();
			resources.push(scheduler);
			return new DispatchChannel(new MemoryQueueRegistry(scheduler, QueueListener.NONE, QueueConfig.DEFAULTS,
					false, Duration.ofMinutes(10)), leased, resources);
		}

		/** On a redis-server of its own, so every trial starts from an empty Redis. */
		static DispatchChannel inRedis(boolean leased) {
			Deque<AutoCloseable> resources = new ArrayDeque<>();
			RedisServer server = RedisServer.start();
			resources.push(server);
			RedisClient client = RedisClient.create(server.uri());
			resources.push(client::shutdown);
			RedisConnections connections = RedisConnections.open(client);
			resources.push(connections);
			SystemScheduler scheduler = new SystemScheduler();
			resources.push(scheduler);
			RedisQueueRegistry registry = new RedisQueueRegistry(connections,
					new RedisQueueRegistry.Settings(scheduler, QueueListener.NONE, QueueConfig.DEFAULTS, false,
							Duration.ofMinutes(10), 1000, "bench", Duration.ofSeconds(1), Duration.ofSeconds(2)));
			resources.push(registry);
			return new DispatchChannel(registry, leased, resources);
		}

		@Override
		public boolean put() {
			return this.queue.put(PAYLOAD, PutOptions.waiting(WAIT)).join() instanceof PutOutcome.Accepted;
		}

		@Override
		public Object take() {
			TakeOutcome outcome = this.queue.take(this.take).join();
			if (this.leased && outcome instanceof TakeOutcome.Delivered delivered) {
				for (Delivery delivery : delivered.deliveries()) {
					this.queue.ack(delivery.leaseId()).join();
				}
			}
			return outcome;
		}

		@Override
		public void close() {
			while (!this.resources.isEmpty()) {
				try {
					this.resources.pop().close();
				}
				catch (Exception ex) {
					throw new IllegalStateException("could not close the benchmark's queue", ex);
				}
			}
		}

	}

	private record JdkChannel(BlockingQueue<Payload> queue) implements Channel {

		@Override
		public boolean put() throws InterruptedException {
			return this.queue.offer(PAYLOAD, WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}

		@Override
		public Object take() throws InterruptedException {
			return this.queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}

		@Override
		public void close() {
		}

	}

}
