package dev.dispatch.client.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import com.sun.management.OperatingSystemMXBean;
import dev.dispatch.client.DispatchClient;
import dev.dispatch.client.DispatchConsumer;
import dev.dispatch.client.NewJob;
import dev.dispatch.client.QueueSettings;
import dev.dispatch.client.Settlement;

/**
 * SDK producers and a consumer loop against a running service, for
 * {@code bench/clients.sh} (not a test): {@code producers} virtual threads put one job at
 * a time (or {@code BATCH} at a time, with {@code putBatch}) while one
 * {@link DispatchConsumer} with {@code concurrency} slots takes and acks them; after a
 * warm-up it counts the jobs acked and this process's CPU time over the measured seconds.
 * Prints one line: {@code sdk jobs/s=… cpu-us/job=… jobs-put/s=… (…)}.
 *
 * <pre>
 * java -cp … dev.dispatch.client.bench.ClientBenchmark URL QUEUE WARMUP_S MEASURE_S PRODUCERS CONCURRENCY [BATCH [PREFETCH]]
 * </pre>
 */
public final class ClientBenchmark {

	private ClientBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		String url = args[0];
		String queue = args[1];
		Duration warmup = Duration.ofSeconds(Long.parseLong(args[2]));
		Duration measured = Duration.ofSeconds(Long.parseLong(args[3]));
		int producers = Integer.parseInt(args[4]);
		int concurrency = Integer.parseInt(args[5]);
		int batch = (args.length > 6) ? Integer.parseInt(args[6]) : 1;
		int prefetch = (args.length > 7) ? Integer.parseInt(args[7]) : 0;

		DispatchClient client = DispatchClient.create(url);
		client.configureQueue(queue, QueueSettings.UNCHANGED.withCapacity(10_000));
		LongAdder acked = new LongAdder();
		LongAdder put = new LongAdder();
		Instant end = Instant.now().plus(warmup).plus(measured);
		Map<String, Integer> payload = Map.of("n", 1);
		List<NewJob> batchJobs = new ArrayList<>();
		for (int i = 0; i < batch; i++) {
			batchJobs.add(NewJob.of(payload));
		}
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < producers; i++) {
			threads.add(Thread.ofVirtual().start(() -> {
				while (Instant.now().isBefore(end)) {
					if (batch == 1) {
						client.put(queue, batchJobs.getFirst(), Duration.ofSeconds(5));
					}
					else {
						client.putBatch(queue, batchJobs, Duration.ofSeconds(5));
					}
					put.add(batch);
				}
			}));
		}
		DispatchConsumer consumer = client.consumer(queue, (lease) -> {
		}).concurrency(concurrency).prefetch(prefetch).settleListener((job, action, done) -> {
			if (action == Settlement.Action.ACK && done) {
				acked.increment();
			}
		}).start();

		Thread.sleep(warmup);
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		long ackedBefore = acked.sum();
		long putBefore = put.sum();
		long cpuBefore = os.getProcessCpuTime();
		long started = System.nanoTime();
		Thread.sleep(measured);
		long cpu = os.getProcessCpuTime() - cpuBefore;
		double seconds = (System.nanoTime() - started) / 1e9;
		long jobs = acked.sum() - ackedBefore;
		long puts = put.sum() - putBefore;
		for (Thread thread : threads) {
			thread.join();
		}
		consumer.close();
		client.close();
		long perJob = (jobs > 0) ? cpu / 1000 / jobs : -1;
		System.out.printf(
				"sdk jobs/s=%.0f cpu-us/job=%d jobs-put/s=%.0f (%d producers, batches of %d, concurrency %d, prefetch %d)%n",
				jobs / seconds, perJob, puts / seconds, producers, batch, concurrency, prefetch);
	}

}
