package org.aiod.backup;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine is a plain Java library: it depends on no framework and on nothing else in the project, so that
 * adapters (messaging, REST, scheduler, CLI) can change without touching it and it can be tested on its own.
 */
class ArchitectureTest {

    private static final String ENGINE = "org.aiod.backup.engine..";

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
    void onlyTheJobPackageRunsTheEngine() {
        noClasses().that().resideOutsideOfPackages(ENGINE, "org.aiod.backup.job..", "org.aiod.backup.config..")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.aiod.backup.engine.Engine")
                .because("adapters translate into job commands; only the job runner calls the engine")
                .check(classes);
    }
}
