package dev.dispatch.web.openapi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.dispatch.web.problem.ProblemType;

/**
 * The problems an endpoint may answer with, beyond {@code invalid-request} and
 * {@code internal-error} (which any endpoint may). {@link ProblemDocs} lists them in the
 * OpenAPI document.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Problems {

	ProblemType[] value();

}
