package dev.dispatch;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Configuration;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The layering rules of docs/architecture.md, as tests. */
class ArchitectureTest {

	private static final JavaClasses DISPATCH = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.dispatch");

	/**
	 * A slice per top-level class (its nested classes belong to it) of the queue core and
	 * the backends; other classes are left out.
	 */
	private static final SliceAssignment TOP_LEVEL_CLASSES_OF_THE_CORE_AND_BACKENDS = topLevelClassesOf(
			"dev.dispatch.queue.", "dev.dispatch.backend.");

	/** A slice per top-level class of the web layer; other classes are left out. */
	private static final SliceAssignment TOP_LEVEL_CLASSES_OF_THE_WEB_LAYER = topLevelClassesOf("dev.dispatch.web.");

	private static SliceAssignment topLevelClassesOf(String... packages) {
		return new SliceAssignment() {

			@Override
			public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
				String name = javaClass.getName();
				if (Arrays.stream(packages).noneMatch(name::startsWith)) {
					return SliceIdentifier.ignore();
				}
				int nested = name.indexOf('$');
				return SliceIdentifier.of((nested < 0) ? name : name.substring(0, nested));
			}

			@Override
			public String getDescription() {
				return "top-level classes of " + String.join(", ", packages);
			}

		};
	}

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
	void classesInsideTheCoreAndTheBackendsDoNotCallEachOtherInALoop() {
		slices().assignedFrom(TOP_LEVEL_CLASSES_OF_THE_CORE_AND_BACKENDS)
			.should()
			.beFreeOfCycles()
			.because("a class that needs two things of another gets an interface with those two things; "
					+ "a loop makes both classes one to read")
			.check(DISPATCH);
	}

	@Test
	void theWebLayersRoomsAreFreeOfCycles() {
		slices().matching("dev.dispatch.web.(*)..").should().beFreeOfCycles().check(DISPATCH);
	}

	@Test
	void classesOfTheWebLayerDoNotCallEachOtherInALoop() {
		slices().assignedFrom(TOP_LEVEL_CLASSES_OF_THE_WEB_LAYER)
			.should()
			.beFreeOfCycles()
			.because("as in the core: a loop makes two classes one to read")
			.check(DISPATCH);
	}

	/**
	 * The web layer's rooms (docs/architecture.md): the controllers use every room; no
	 * room uses the controllers, and each is used only by the rooms above it.
	 */
	@Test
	void theWebLayersRoomsServeTheControllers() {
		layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("controllers")
			.definedBy("dev.dispatch.web")
			.layer("console")
			.definedBy("dev.dispatch.web.console..")
			.layer("openapi")
			.definedBy("dev.dispatch.web.openapi..")
			.layer("request")
			.definedBy("dev.dispatch.web.request..")
			.layer("problem")
			.definedBy("dev.dispatch.web.problem..")
			.layer("poll")
			.definedBy("dev.dispatch.web.poll..")
			.layer("fastpath")
			.definedBy("dev.dispatch.web.fastpath..")
			.whereLayer("controllers")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("console")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("openapi")
			.mayOnlyBeAccessedByLayers("controllers")
			.whereLayer("request")
			.mayOnlyBeAccessedByLayers("controllers")
			.whereLayer("problem")
			.mayOnlyBeAccessedByLayers("controllers", "request", "openapi")
			.whereLayer("poll")
			.mayOnlyBeAccessedByLayers("controllers", "request", "problem")
			.whereLayer("fastpath")
			.mayOnlyBeAccessedByLayers("request")
			.because("the fast path, problems and long polls know nothing of the endpoints they serve")
			.check(DISPATCH);
	}

	@Test
	void securitySeesTheRoutesNotTheRooms() {
		noClasses().that()
			.resideInAPackage("dev.dispatch.security..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.dispatch.web.request..", "dev.dispatch.web.problem..",
					"dev.dispatch.web.openapi..", "dev.dispatch.web.console..", "dev.dispatch.web.fastpath..")
			.because("security asks the web layer's table of routes what a request needs (Routes), and tells it"
					+ " who called (Caller) and what the caller may see (QueueVisibility, AdminGrants)")
			.check(DISPATCH);
	}

	@Test
	void theFastPathIsSpringMvcTuningAlone() {
		classes().that()
			.resideInAPackage("dev.dispatch.web.fastpath..")
			.should()
			.onlyDependOnClassesThat(
					resideInAPackage("dev.dispatch.web.fastpath..").or(resideOutsideOfPackage("dev.dispatch..")))
			.because("it tunes how Spring MVC serves any request, whatever the endpoint")
			.check(DISPATCH);
	}

	/** A room is one purpose: past ~20 files it is usually two rooms. */
	@Test
	void everyRoomOfTheWebLayerHoldsAtMostTwentyFiles() {
		Map<String, Long> files = DISPATCH.stream()
			.filter((type) -> type.getPackageName().startsWith("dev.dispatch.web"))
			.filter((type) -> type.getEnclosingClass().isEmpty())
			.collect(Collectors.groupingBy(JavaClass::getPackageName, TreeMap::new, Collectors.counting()));
		assertThat(files).isNotEmpty().allSatisfy((room, count) -> assertThat(count).as(room).isLessThanOrEqualTo(20));
	}

	@Test
	void implementationsAreNamedByHowTheyWork() {
		noClasses().should().haveSimpleNameEndingWith("Impl").check(DISPATCH);
	}

}
