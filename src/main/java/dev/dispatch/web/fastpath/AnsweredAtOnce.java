package dev.dispatch.web.fastpath;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.ServletException;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.DeferredResultMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityReturnValueHandler;

/**
 * Writes the answer of a {@link DeferredResult} that already holds one in the request's
 * own dispatch. Spring MVC starts the servlet's async mode for every deferred result and
 * dispatches the request a second time to write its answer, even when the answer was
 * there before the handler returned: a put with room, a take with a job ready. That
 * second dispatch through the container and the filters was a large part of such a
 * request's cost (docs/benchmarks.md, "The request path"). A result still to come (a
 * parked put or take) goes the usual way, through Spring's own handler.
 *
 * <p>
 * Installed in place of Spring's {@link DeferredResultMethodReturnValueHandler}
 * ({@link LeanHandlerAdapter}); an answer is a {@link ResponseEntity} (written by
 * Spring's {@link ResponseEntityReturnValueHandler}, as the second dispatch would) or an
 * exception (thrown to the problem handlers, as the second dispatch would).
 */
final class AnsweredAtOnce implements HandlerMethodReturnValueHandler {

	private final HandlerMethodReturnValueHandler deferred;

	private final HandlerMethodReturnValueHandler entities;

	/** Each handler method's answer type, made once: resolving it is not cheap. */
	private final Map<Method, Answer> answers = new ConcurrentHashMap<>();

	/**
	 * @param deferred Spring's handler of deferred results, for those still to come
	 * @param entities Spring's handler of {@code ResponseEntity} return values
	 */
	AnsweredAtOnce(HandlerMethodReturnValueHandler deferred, HandlerMethodReturnValueHandler entities) {
		this.deferred = deferred;
		this.entities = entities;
	}

	@Override
	public boolean supportsReturnType(MethodParameter returnType) {
		return this.deferred.supportsReturnType(returnType);
	}

	@Override
	public void handleReturnValue(Object returnValue, MethodParameter returnType, ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest) throws Exception {
		if (returnValue instanceof DeferredResult<?> result && result.hasResult()) {
			Object answer = result.getResult();
			if (answer instanceof Exception problem) {
				throw problem;
			}
			if (answer instanceof Throwable failure) {
				throw new ServletException("the answer failed: " + failure, failure);
			}
			if (answer instanceof ResponseEntity<?>) {
				this.entities.handleReturnValue(answer,
						this.answers.computeIfAbsent(returnType.getMethod(), (method) -> new Answer(returnType)),
						mavContainer, webRequest);
				return;
			}
		}
		this.deferred.handleReturnValue(returnValue, returnType, mavContainer, webRequest);
	}

	/**
	 * The handler method's return type seen as the type its deferred result holds
	 * ({@code ResponseEntity<?>}), as Spring's second dispatch sees it.
	 */
	private static final class Answer extends MethodParameter {

		private final ResolvableType held;

		Answer(MethodParameter deferred) {
			super(deferred);
			this.held = ResolvableType.forMethodParameter(deferred).getGeneric();
		}

		private Answer(Answer original) {
			super(original);
			this.held = original.held;
		}

		@Override
		public Class<?> getParameterType() {
			return ResponseEntity.class;
		}

		@Override
		public Type getGenericParameterType() {
			return this.held.getType();
		}

		@Override
		public Answer clone() {
			return new Answer(this);
		}

	}

}
