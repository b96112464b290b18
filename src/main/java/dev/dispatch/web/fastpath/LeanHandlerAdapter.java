package dev.dispatch.web.fastpath;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.DeferredResultMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityReturnValueHandler;

/**
 * Puts the lean request path's parts into Spring MVC's handler adapter once it has made
 * its lists: {@link PathVariables} ahead of every argument resolver, and
 * {@link AnsweredAtOnce} in the place of Spring's handler of deferred results. Spring's
 * own hooks ({@code WebMvcConfigurer}) add resolvers and handlers only after the built-in
 * ones, which would claim these parameters and return values first.
 */
@Component
class LeanHandlerAdapter implements BeanPostProcessor {

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getArgumentResolvers() != null
				&& adapter.getReturnValueHandlers() != null) {
			List<HandlerMethodArgumentResolver> resolvers = new ArrayList<>();
			resolvers.add(new PathVariables());
			resolvers.addAll(adapter.getArgumentResolvers());
			adapter.setArgumentResolvers(resolvers);
			adapter.setReturnValueHandlers(answeringAtOnce(adapter.getReturnValueHandlers()));
		}
		return bean;
	}

	private static List<HandlerMethodReturnValueHandler> answeringAtOnce(
			List<HandlerMethodReturnValueHandler> handlers) {
		HandlerMethodReturnValueHandler entities = first(handlers, ResponseEntityReturnValueHandler.class);
		HandlerMethodReturnValueHandler deferred = first(handlers, DeferredResultMethodReturnValueHandler.class);
		List<HandlerMethodReturnValueHandler> installed = new ArrayList<>(handlers);
		installed.set(installed.indexOf(deferred), new AnsweredAtOnce(deferred, entities));
		return installed;
	}

	private static HandlerMethodReturnValueHandler first(List<HandlerMethodReturnValueHandler> handlers,
			Class<?> kind) {
		return handlers.stream()
			.filter(kind::isInstance)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("Spring MVC has no " + kind.getSimpleName()));
	}

}
