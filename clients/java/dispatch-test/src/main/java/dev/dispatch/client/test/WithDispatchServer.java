package dev.dispatch.client.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Spring test against a real Dispatch: a {@link SharedServers shared}
 * {@link DispatchServer} on the chosen backend, whose address the application context
 * gets as {@code dispatch.client.base-url} (the starter's client then talks to it). The
 * server is started before the first such context and stays up for the test JVM.
 *
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;WithDispatchServer
 * class EmailListenerTest { … }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface WithDispatchServer {

	/** The backend (default: memory). */
	Backend backend() default Backend.MEMORY;

}
