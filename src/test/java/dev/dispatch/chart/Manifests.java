package dev.dispatch.chart;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading objects of a rendered chart, as parsed from YAML. */
final class Manifests {

	private Manifests() {
	}

	/** The first object of a kind; there must be one. */
	static Map<String, Object> only(List<Map<String, Object>> objects, String kind) {
		List<Map<String, Object>> found = objects.stream().filter((o) -> kind.equals(o.get("kind"))).toList();
		assertThat(found).as("objects of kind " + kind).isNotEmpty();
		return found.getFirst();
	}

	/** The object of a kind and name; there must be one. */
	static Map<String, Object> named(List<Map<String, Object>> objects, String kind, String name) {
		return objects.stream()
			.filter((o) -> kind.equals(o.get("kind")) && name.equals(at(o, "metadata.name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
	}

	static <T> T first(List<T> list) {
		assertThat(list).isNotEmpty();
		return list.getFirst();
	}

	static Object value(Map<String, Object> object, String path) {
		return at(object, path);
	}

	/**
	 * The value at a dotted path ({@code \.} for a dot inside a key); null if absent.
	 */
	static <T> T at(Map<String, Object> object, String path) {
		Object current = object;
		for (String key : path.split("(?<!\\\\)\\.")) {
			if (!(current instanceof Map<?, ?> map)) {
				return null;
			}
			current = map.get(key.replace("\\.", "."));
		}
		return cast(current);
	}

	@SuppressWarnings("unchecked")
	static <T> T cast(Object value) {
		return (T) value;
	}

}
