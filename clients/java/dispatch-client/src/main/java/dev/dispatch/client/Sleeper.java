package dev.dispatch.client;

import java.time.Duration;

/**
 * How the client waits before it asks again: {@link Thread#sleep}, or a test's record.
 */
@FunctionalInterface
interface Sleeper {

	Sleeper THREAD = Thread::sleep;

	void sleep(Duration duration) throws InterruptedException;

}
