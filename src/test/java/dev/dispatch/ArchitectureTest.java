package dev.dispatch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Configuration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

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
			.resideInAnyPackage("dev.dispatch.web..", "dev.dispatch.worker..", "dev.dispatch.metrics..")
			.because("backends implement the core contract; the web layer, workers and metrics use them through it")
			.check(DISPATCH);
	}

	@Test
	void onlyABackendsWiringKnowsSpring() {
		noClasses().that()
			.resideInAPackage("dev.dispatch.backend..")
			.and()
			.areNotAnnotatedWith(Configuration.class)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.dispatch.config..", "org.springframework..")
			.because("a backend is plain Java but for the one @Configuration that wires it")
			.check(DISPATCH);
	}

	@Test
	void nothingOutsideTheBackendsNamesABackendClass() {
		noClasses().that()
			.resideOutsideOfPackage("dev.dispatch.backend..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.dispatch.backend..")
			.because("dispatch.backend chooses the backend; everything else sees QueueRegistry and JobQueue")
			.check(DISPATCH);
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("dev.dispatch.(*)..").should().beFreeOfCycles().check(DISPATCH);
	}

	@Test
	void implementationsAreNamedByHowTheyWork() {
		noClasses().should().haveSimpleNameEndingWith("Impl").check(DISPATCH);
	}

}
