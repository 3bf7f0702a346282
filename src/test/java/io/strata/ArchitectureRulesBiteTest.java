package io.strata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;

/**
 * The rules of {@link StrataRules} bite: each is run against small samples under
 * {@code io.strata.archfixture} (test code only), each sample package a root of its own laid out like
 * Strata. A clean miniature passes every rule; each bad sample breaks the rule it was made for, and
 * the report names the offending class.
 */
class ArchitectureRulesBiteTest {

    static final String FIXTURES = "io.strata.archfixture";

    static JavaClasses classesOf(String root) {
        return new ClassFileImporter().importPackages(root);
    }

    /** Evaluates the rule on the sample root; asserts it fails and returns the report's lines. */
    static List<String> violations(ArchRule rule, String root) {
        EvaluationResult result = rule.evaluate(classesOf(root));
        assertTrue(result.hasViolation(), "the rule must fail on " + root + ": " + rule.getDescription());
        return result.getFailureReport().getDetails();
    }

    /** True when one line of the report holds every text (a violation names both of its ends). */
    static boolean mentions(List<String> lines, String... texts) {
        return lines.stream().anyMatch(l -> java.util.Arrays.stream(texts).allMatch(l::contains));
    }

    @Test
    void aCleanMiniatureOfTheLayoutPassesEveryRule() {
        String root = FIXTURES + ".good";
        JavaClasses good = classesOf(root);
        for (ArchRule rule : StrataRules.all(root)) {
            EvaluationResult result = rule.evaluate(good);
            assertFalse(result.hasViolation(), result.getFailureReport().toString());
        }
    }

    @Test
    void theFixtureRulesAreTheApplicationsRulesOnAnotherRoot() {
        List<ArchRule> onFixture = StrataRules.all(FIXTURES + ".good");
        List<ArchRule> onApp = List.of(StrataRules.NO_PACKAGE_CYCLES, StrataRules.KERNEL_IMPORTS_NO_OTHER_PACKAGE,
                StrataRules.ONLY_LIBVIRT_USES_LIBVIRT_AND_JNA, StrataRules.ONLY_PROCESS_RUNNER_STARTS_PROCESSES,
                StrataRules.RESOURCES_AND_PAGES_ONLY_USED_IN_THEIR_PACKAGE, StrataRules.LAYERS);
        assertEquals(onApp.size(), onFixture.size());
        for (int i = 0; i < onApp.size(); i++) {
            assertEquals(onApp.get(i).getDescription(),
                    onFixture.get(i).getDescription().replace(FIXTURES + ".good", StrataRules.ROOT));
        }
    }

    @Test
    void aCycleBetweenTwoPackagesIsFound() {
        String root = FIXTURES + ".cycle";
        List<String> v = violations(StrataRules.noPackageCycles(root), root);
        assertTrue(mentions(v, "snapshot", "vm"), String.join("\n", v));
    }

    @Test
    void aKernelClassImportingAFeatureIsFound() {
        String root = FIXTURES + ".kernelup";
        List<String> v = violations(StrataRules.kernelImportsNoOtherPackage(root), root);
        assertTrue(mentions(v, root + ".kernel.Caller", root + ".template.Template"), String.join("\n", v));
        violations(StrataRules.layers(root), root);
    }

    @Test
    void libvirtAndJnaOutsideTheLibvirtPackageAreFound() {
        String root = FIXTURES + ".libvirtleak";
        List<String> v = violations(StrataRules.onlyLibvirtUsesLibvirtAndJna(root), root);
        assertTrue(mentions(v, "DirectLibvirt", "org.libvirt.Connect"), String.join("\n", v));
        assertTrue(mentions(v, "DirectJna", "com.sun.jna.Pointer"), String.join("\n", v));
        assertFalse(mentions(v, root + ".libvirt.Hypervisor"), "the libvirt package itself is allowed");
    }

    @Test
    void aProcessBuilderOrRuntimeExecOutsideTheRunnerIsFound() {
        String root = FIXTURES + ".processleak";
        List<String> v = violations(StrataRules.onlyProcessRunnerStartsProcesses(root), root);
        assertTrue(mentions(v, "Sneaky.run()") && mentions(v, "java.lang.ProcessBuilder.<init>"), String.join("\n", v));
        assertTrue(mentions(v, "Exec.run()") && mentions(v, "java.lang.Runtime.exec"), String.join("\n", v));
        assertFalse(mentions(v, "ProcessRunner"), "the runner itself is allowed: " + v);
    }

    @Test
    void anotherPackageCallingAResourceOrAPageIsFound() {
        String root = FIXTURES + ".endpointleak";
        List<String> v = violations(StrataRules.resourcesAndPagesOnlyUsedInTheirPackage(root), root);
        assertTrue(mentions(v, "AdminPages", "HostResource"), "a feature's page calls another's resource: " + v);
        assertTrue(mentions(v, "web.HomePage", "AdminPages.page()"), "the web shell calls a page: " + v);
    }

    @Test
    void layersAccessedFromBelowAreFound() {
        String root = FIXTURES + ".layerleak";
        List<String> v = violations(StrataRules.layers(root), root);
        String all = String.join("\n", v);
        assertTrue(mentions(v, "imagetool.Tool", "libvirt.Hypervisor"), "imagetool → libvirt: " + all);
        assertTrue(mentions(v, "libvirt.Hypervisor", "audit.AuditLog"), "libvirt → audit: " + all);
        assertTrue(mentions(v, "audit.AuditLog", "vm.Vm"), "audit → a feature: " + all);
        assertTrue(mentions(v, "vm.Vm", "web.TemplateExtensions"), "a feature → web: " + all);
        // The same sample has no cycle: the layer rule is what catches it.
        assertFalse(StrataRules.noPackageCycles(root).evaluate(classesOf(root)).hasViolation());
    }
}
