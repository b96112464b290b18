package dev.dispatch.web.fastpath;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.MissingPathVariableException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Hands a {@code @PathVariable String} (a queue's name, a lease's id) to its handler as
 * the handler mapping matched it. Spring's resolver makes a data binder and asks the
 * conversion service to convert the string to a string for each one, which compares
 * annotations reflectively: 2 % of a put → take → ack cycle's CPU (docs/benchmarks.md,
 * "The request path"). Installed ahead of Spring's ({@link LeanHandlerAdapter}), which
 * still resolves every other path variable.
 */
final class PathVariables implements HandlerMethodArgumentResolver {

	/** Each parameter's variable, found once. */
	private final Map<MethodParameter, Variable> variables = new ConcurrentHashMap<>();

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return parameter.getParameterType() == String.class && parameter.hasParameterAnnotation(PathVariable.class);
	}

	@Override
	public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest, WebDataBinderFactory binderFactory) throws MissingPathVariableException {
		Variable variable = this.variables.computeIfAbsent(parameter, Variable::of);
		Object matched = webRequest.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE,
				RequestAttributes.SCOPE_REQUEST);
		Object value = (matched instanceof Map<?, ?> values) ? values.get(variable.name()) : null;
		if (value == null && variable.required()) {
			throw new MissingPathVariableException(variable.name(), parameter);
		}
		return value;
	}

	private record Variable(String name, boolean required) {

		static Variable of(MethodParameter parameter) {
			PathVariable variable = parameter.getParameterAnnotation(PathVariable.class);
			String name = !variable.name().isEmpty() ? variable.name() : variable.value();
			return new Variable(!name.isEmpty() ? name : parameter.getParameterName(), variable.required());
		}

	}

}
