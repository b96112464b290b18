package dev.dispatch.queue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

	@Test
	void jobIdsAreVersion7UuidsThatSortByCreationEvenWithinAMillisecond() {
		List<String> ids = new ArrayList<>();
		long before = System.currentTimeMillis();
		for (int i = 0; i < 20_000; i++) {
			ids.add(Ids.newJobId());
		}
		for (int i = 1; i < ids.size(); i++) {
			assertThat(ids.get(i)).as("id %d after id %d", i, i - 1).isGreaterThan(ids.get(i - 1));
		}
		UUID first = UUID.fromString(ids.getFirst());
		assertThat(first.version()).isEqualTo(7);
		assertThat(first.variant()).isEqualTo(2);
		assertThat(first.getMostSignificantBits() >>> 16).as("its time").isBetween(before, before + 60_000);
		// far more than one per millisecond were made: the sequence kept them apart
		assertThat(ids).doesNotHaveDuplicates();
	}

	@Test
	void idsMadeOnManyThreadsAtOnceAreUniqueAndIncreaseOnEachThread() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			Callable<List<String>> make = () -> {
				List<String> made = new ArrayList<>();
				for (int i = 0; i < 10_000; i++) {
					made.add(Ids.newJobId());
				}
				return made;
			};
			List<Future<List<String>>> runs = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				runs.add(threads.submit(make));
			}
			Set<String> all = new HashSet<>();
			for (Future<List<String>> run : runs) {
				List<String> made = run.get();
				for (int i = 1; i < made.size(); i++) {
					assertThat(made.get(i)).isGreaterThan(made.get(i - 1));
				}
				all.addAll(made);
			}
			assertThat(all).hasSize(40_000);
		}
		finally {
			threads.shutdownNow();
		}
	}

}
