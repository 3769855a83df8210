package org.aiod.backup;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.aiod.backup.job.JobRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine is a plain Java library: it depends on no framework and on nothing else in the project, so that
 * adapters (messaging, REST, scheduler, CLI) can change without touching it and it can be tested on its own. Only the
 * job runner (which runs jobs) and the dataset catalog (which reads what is on disk) hold it; adapters read dataset
 * facts from the catalog.
 */
class ArchitectureTest {

    private static final String ENGINE = "org.aiod.backup.engine..";
    private static final String ENGINE_CLASS = "org.aiod.backup.engine.Engine";
    private static final String CATALOG = "org.aiod.backup.catalog..";
    private static final String JOB_RUNNER = "org.aiod.backup.job.JobRunner";
    private static final String[] ADAPTERS = {"org.aiod.backup.api..", "org.aiod.backup.messaging..",
        "org.aiod.backup.schedule..", "org.aiod.backup.health..", "org.aiod.backup.cli..",
        "org.aiod.backup.notify.."};
    /**
     * The start-up round trip builds engines of its own on scratch directories, never the service's: the one class
     * besides the runner and the catalog that constructs an engine. Update this name where the class moves.
     */
    private static final String SELF_TEST_ROUND_TRIP = "org.aiod.backup.job.ScratchRoots";

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.aiod.backup");
    }

    @Test
    void engineDependsOnNoFramework() {
        noClasses().that().resideInAPackage(ENGINE)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "jakarta..",
                        "javax.enterprise..",
                        "io.quarkus..",
                        "io.smallrye..",
                        "io.vertx..",
                        "org.eclipse.microprofile..")
                .because("the engine is a plain library that knows nothing of Quarkus, AMQP or HTTP")
                .check(classes);
    }

    @Test
    void engineDependsOnNothingElseInTheProject() {
        noClasses().that().resideInAPackage(ENGINE)
                .should().dependOnClassesThat(
                        resideInAPackage("org.aiod.backup..").and(not(resideInAPackage(ENGINE))))
                .because("adapters call the engine through jobs, never the other way round")
                .check(classes);
    }

    @Test
    void adaptersNeverCallTheEngine() {
        noClasses().that().resideInAnyPackage(ADAPTERS)
                .and().doNotHaveFullyQualifiedName(SELF_TEST_ROUND_TRIP)
                .should().dependOnClassesThat().haveFullyQualifiedName(ENGINE_CLASS)
                .because("adapters translate into job commands and read datasets from the catalog; they never call "
                        + "the engine themselves")
                .check(classes);
    }

    @Test
    void onlyTheRunnerTheCatalogAndTheProducerTouchTheEngine() {
        noClasses().that().resideOutsideOfPackages(ENGINE, CATALOG, "org.aiod.backup.config..")
                .and().doNotHaveFullyQualifiedName(JOB_RUNNER)
                .and().doNotHaveFullyQualifiedName(SELF_TEST_ROUND_TRIP)
                .should().dependOnClassesThat().haveFullyQualifiedName(ENGINE_CLASS)
                .because("the job runner runs jobs, the dataset catalog reads what is on disk, the config package "
                        + "builds the engine; nothing else holds it")
                .check(classes);
    }

    @Test
    void datasetReadersReadTheCatalogNotTheRunner() {
        noClasses().that().resideInAnyPackage("org.aiod.backup.api..", "org.aiod.backup.messaging..",
                        "org.aiod.backup.schedule..", "org.aiod.backup.health..")
                .should().dependOnClassesThat().haveFullyQualifiedName(JOB_RUNNER)
                .because("dataset facts come from the catalog; the runner only validates and runs jobs")
                .check(classes);
        noClasses().that().haveFullyQualifiedName("org.aiod.backup.job.JobMetrics")
                .should().callCodeUnitWhere(target(owner(type(JobRunner.class))))
                .because("the metrics' dataset gauges read the catalog, not the runner")
                .check(classes);
    }

    @Test
    void theCatalogDependsOnNoJobNorAdapter() {
        noClasses().that().resideInAPackage(CATALOG)
                .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS)
                .orShould().dependOnClassesThat().resideInAPackage("org.aiod.backup.job..")
                .because("everything reads the catalog; it reads the engine and nothing above it")
                .check(classes);
    }
}
