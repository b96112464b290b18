package dev.dispatch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The layering rules of docs/architecture.md, as tests. */
class ArchitectureTest {

	private static final JavaClasses DISPATCH = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.dispatch");

	@Test
	void theQueueCoreIsPlainJava() {
		classes().that()
			.resideInAPackage("dev.dispatch.queue..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("dev.dispatch.queue..", "java..")
			.because("the core must not depend on Spring, Micrometer, the web layer or any backend")
			.check(DISPATCH);
	}

	@Test
	void backendsDoNotKnowTheEdges() {
		noClasses().that()
			.resideInAPackage("dev.dispatch.backend..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.dispatch.web..", "dev.dispatch.worker..", "dev.dispatch.metrics..",
					"dev.dispatch.config..", "org.springframework..")
			.because("backends implement the core contract and are wired at the edge")
			.check(DISPATCH);
	}

	@Test
	void implementationsAreNamedByHowTheyWork() {
		noClasses().should().haveSimpleNameEndingWith("Impl").check(DISPATCH);
	}

}
