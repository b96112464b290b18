package dev.dispatch.client.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated bean method for each job of a queue, in a consumer loop that starts
 * and stops with the application. The method's parameters may be, in any order:
 * <ul>
 * <li>the payload, of any type Jackson binds the job's JSON to (at most one);</li>
 * <li>a {@link dev.dispatch.client.Lease}, to ack, nack, extend or release the job
 * itself;</li>
 * <li>a {@link dev.dispatch.client.Job}: its id, attempt, trace context.</li>
 * </ul>
 * Returning acks the job (unless the method settled it through its {@code Lease});
 * throwing nacks it, to be tried again after a backoff. The lease is extended while the
 * method runs.
 *
 * <pre class="code">
 * &#64;DispatchListener(queue = "emails", concurrency = "4", lease = "30s")
 * void send(Email email) { … }
 * </pre>
 *
 * Each attribute may be a {@code ${…}} placeholder.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DispatchListener {

	/** The queue. */
	String queue();

	/** Jobs handled at once, 1 to 100. */
	String concurrency() default "1";

	/**
	 * Jobs taken ahead of the free slots, waiting for one (their leases counting; one
	 * that waits a third of its lease goes back to the queue), 0 to 99 with
	 * {@code concurrency} at most 100; for quick methods. Default 0.
	 */
	String prefetch() default "0";

	/**
	 * How long each job is held before it must be settled or extended (the loop extends
	 * it while the method runs), as {@code 30s}, {@code 2m}, {@code PT30S}; empty: the
	 * queue's lease timeout.
	 */
	String lease() default "";

}
