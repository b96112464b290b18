package dev.dispatch.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar carries {@code META-INF/spring-configuration-metadata.json}, made by Spring
 * Boot's configuration processor at compile time (JDK 23 and later run no annotation
 * processor unless the build names it): what an IDE completes {@code dispatch.*}
 * properties from, and shows their meaning. Every {@code @ConfigurationProperties} class
 * of the service is in it, each of its properties described.
 */
class ConfigurationMetadataTest {

	@Test
	void everyConfigurationPropertiesClassIsDescribedInTheMetadata() throws IOException {
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("the configuration metadata (is the processor named in the build?)").isNotNull();
			metadata = JsonMapper.builder().build().readTree(in);
		}
		List<String> prefixes = new ArrayList<>();
		for (JavaClass properties : new ClassFileImporter()
			.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.dispatch")) {
			if (properties.isAnnotatedWith(ConfigurationProperties.class)) {
				ConfigurationProperties annotation = properties.reflect().getAnnotation(ConfigurationProperties.class);
				prefixes.add(annotation.value().isEmpty() ? annotation.prefix() : annotation.value());
			}
		}
		assertThat(prefixes).contains("dispatch", "dispatch.http", "dispatch.security");
		List<String> groups = metadata.path("groups")
			.valueStream()
			.map((group) -> group.path("name").asString())
			.toList();
		assertThat(groups).containsAll(prefixes);
		List<JsonNode> properties = metadata.path("properties").valueStream().toList();
		for (String prefix : prefixes) {
			assertThat(properties).as("properties of %s", prefix)
				.anyMatch((property) -> property.path("name").asString().startsWith(prefix + "."));
		}
		assertThat(properties).allSatisfy((property) -> assertThat(property.path("description").asString())
			.as("the description of %s", property.path("name").asString())
			.isNotBlank());
	}

}
