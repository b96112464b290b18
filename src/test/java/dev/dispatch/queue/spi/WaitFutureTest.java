package dev.dispatch.queue.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waiting for the answer to an operation's first try: the wait ends when the try is
 * answered (settled or parked), and never outlasts its patience.
 */
class WaitFutureTest {

	private static final Duration LONG = Duration.ofSeconds(30);

	private final Waiter<String> waiter = new Waiter<>((parked) -> true, Instant.EPOCH, null);

	private final WaitFuture<String> future = this.waiter.future();

	@Test
	void withNoTryOnItsWayTheCallerDoesNotWait() {
		long start = System.nanoTime();
		assertThat(this.future.awaitFirstTry(LONG)).isFalse();
		assertThat(System.nanoTime() - start).isLessThan(LONG.toNanos() / 2);
	}

	@Test
	void aTryAnsweredWithAnOutcomeEndsTheWaitWithTheFutureDone() throws Exception {
		this.future.startFirstTry();
		CompletableFuture<Boolean> awaited = awaitingInAThread();
		assertThat(awaited).isNotDone();
		this.future.complete("job");
		this.future.endFirstTry();
		assertThat(awaited.get(LONG.toSeconds() / 2, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aTryThatParksEndsTheWaitWithTheFutureNotDone() throws Exception {
		this.future.startFirstTry();
		CompletableFuture<Boolean> awaited = awaitingInAThread();
		this.future.endFirstTry();
		assertThat(awaited.get(LONG.toSeconds() / 2, TimeUnit.SECONDS)).isFalse();
		assertThat(this.future).isNotDone();
	}

	/**
	 * {@code awaitFirstTry(LONG)} in a thread of its own, once that thread is parked in
	 * it.
	 */
	private CompletableFuture<Boolean> awaitingInAThread() {
		CompletableFuture<Boolean> awaited = new CompletableFuture<>();
		Thread waiter = new Thread(() -> awaited.complete(this.future.awaitFirstTry(LONG)), "awaiting");
		waiter.setDaemon(true);
		waiter.start();
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> waiter.getState() == Thread.State.TIMED_WAITING
					&& LockSupport.getBlocker(waiter) == this.future);
		return awaited;
	}

	@Test
	void aTryNeverAnsweredIsWaitedForOnlyAsLongAsThePatience() {
		this.future.startFirstTry();
		long start = System.nanoTime();
		assertThat(this.future.awaitFirstTry(Duration.ofMillis(100))).isFalse();
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos())
			.isLessThan(LONG.toNanos() / 2);
		assertThat(this.future.awaitFirstTry(Duration.ZERO)).isFalse();
	}

	@Test
	void aTryAnsweredBeforeTheWaitBeginsIsNotWaitedFor() {
		this.future.startFirstTry();
		this.future.complete("job");
		this.future.endFirstTry();
		assertThat(this.future.awaitFirstTry(LONG)).isTrue();
		WaitFuture<String> parked = new Waiter<String>((w) -> true, Instant.EPOCH, null).future();
		parked.startFirstTry();
		parked.endFirstTry();
		long start = System.nanoTime();
		assertThat(parked.awaitFirstTry(LONG)).isFalse();
		assertThat(System.nanoTime() - start).isLessThan(LONG.toNanos() / 2);
	}

}
