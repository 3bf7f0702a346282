package io.strata;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;

import java.net.URISyntaxException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.strata.kernel.Caller;

/**
 * The layout of the application's own classes (src/main only), checked with the rules of
 * {@link StrataRules}. Plain JUnit, no Quarkus: one import of the compiled classes, then
 * milliseconds per rule.
 */
class ArchitectureTest {

    static final JavaClasses MAIN = importMain();

    /** Strata's classes from the main output folder (target/classes), never the test classes or jars. */
    static JavaClasses importMain() {
        try {
            Path mainOutput = Path.of(Caller.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPath(mainOutput).that(resideInAPackage(StrataRules.ROOT + ".."));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void noCyclesBetweenThePackagesUnderTheRoot() {
        StrataRules.NO_PACKAGE_CYCLES.check(MAIN);
    }

    @Test
    void theKernelImportsNoOtherPackage() {
        StrataRules.KERNEL_IMPORTS_NO_OTHER_PACKAGE.check(MAIN);
    }

    @Test
    void onlyTheLibvirtPackageUsesLibvirtAndJna() {
        StrataRules.ONLY_LIBVIRT_USES_LIBVIRT_AND_JNA.check(MAIN);
    }

    /** Fails until the process runner is its own class (imagetool.ProcessRunner, split out of ImageTool). */
    @Test
    void onlyTheProcessRunnerStartsProcesses() {
        StrataRules.ONLY_PROCESS_RUNNER_STARTS_PROCESSES.check(MAIN);
    }

    @Test
    void resourcesAndPagesAreUsedOnlyInTheirOwnPackage() {
        StrataRules.RESOURCES_AND_PAGES_ONLY_USED_IN_THEIR_PACKAGE.check(MAIN);
    }

    @Test
    void layersPointDownOnly() {
        StrataRules.LAYERS.check(MAIN);
    }
}
