package io.strata;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The layout rules of Strata (issue 8), one definition each, written against a root package so the
 * same definitions check the application ({@link #ROOT}, constants below, used by
 * {@link ArchitectureTest}) and the deliberately bad samples under {@code io.strata.archfixture}
 * (used by {@link ArchitectureRulesBiteTest}).
 *
 * <p>Below the root: {@code kernel} (shared small types, imports no other package of the root) at the
 * bottom; {@code imagetool} (qemu-img, libguestfs, the process runner) on it; {@code libvirt} (the
 * hypervisor, the only user of org.libvirt and JNA) on both; {@code audit} on the kernel; the
 * features (every other package) above those; {@code web} (the shell: error mappers, home page, VM
 * and admin pages) on top, imported by nobody.
 */
public final class StrataRules {

    public static final String ROOT = "io.strata";

    public static final ArchRule NO_PACKAGE_CYCLES = noPackageCycles(ROOT);
    public static final ArchRule KERNEL_IMPORTS_NO_OTHER_PACKAGE = kernelImportsNoOtherPackage(ROOT);
    public static final ArchRule ONLY_LIBVIRT_USES_LIBVIRT_AND_JNA = onlyLibvirtUsesLibvirtAndJna(ROOT);
    public static final ArchRule ONLY_PROCESS_RUNNER_STARTS_PROCESSES = onlyProcessRunnerStartsProcesses(ROOT);
    public static final ArchRule RESOURCES_AND_PAGES_ONLY_USED_IN_THEIR_PACKAGE = resourcesAndPagesOnlyUsedInTheirPackage(ROOT);
    public static final ArchRule LAYERS = layers(ROOT);

    /** Every rule of the root, in the order above. */
    public static List<ArchRule> all(String root) {
        return List.of(noPackageCycles(root), kernelImportsNoOtherPackage(root), onlyLibvirtUsesLibvirtAndJna(root),
                onlyProcessRunnerStartsProcesses(root), resourcesAndPagesOnlyUsedInTheirPackage(root), layers(root));
    }

    private StrataRules() {
    }

    /** The class that runs host commands; its nested classes count as part of it. */
    public static String processRunner(String root) {
        return root + ".imagetool.ProcessRunner";
    }

    /** No cycles between the packages directly under the root (each with its subpackages). */
    public static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(*)..").namingSlices("$1").should().beFreeOfCycles()
                .because("a package must be readable without the packages that build on it");
    }

    /** The kernel depends on no other package of the root. */
    public static ArchRule kernelImportsNoOtherPackage(String root) {
        return noClasses().that().resideInAPackage(root + ".kernel..")
                .should().dependOnClassesThat(resideInAPackage(root + "..").and(not(resideInAPackage(root + ".kernel.."))))
                .because("the kernel is what every package may use, so it can use none of them");
    }

    /** Only the hypervisor package touches the libvirt binding and JNA. */
    public static ArchRule onlyLibvirtUsesLibvirtAndJna(String root) {
        return noClasses().that().resideInAPackage(root + "..").and().resideOutsideOfPackage(root + ".libvirt..")
                .should().dependOnClassesThat().resideInAnyPackage("org.libvirt..", "com.sun.jna..")
                .because("the libvirt binding and its native calls are kept behind " + root + ".libvirt");
    }

    /** Only the process runner creates a ProcessBuilder or calls Runtime.exec. */
    public static ArchRule onlyProcessRunnerStartsProcesses(String root) {
        String runner = processRunner(root);
        DescribedPredicate<JavaClass> isRunner = DescribedPredicate.describe(runner,
                c -> c.getName().equals(runner) || c.getName().startsWith(runner + "$"));
        return noClasses().that().resideInAPackage(root + "..").and(not(isRunner))
                .should().callConstructorWhere(target(owner(name(ProcessBuilder.class.getName()))))
                .orShould().callMethodWhere(target(owner(name(Runtime.class.getName()))).and(target(name("exec"))))
                .because("host commands run through one runner (argv lists, timeouts, streamed output)");
    }

    /**
     * A class named *Resource or *Pages (an HTTP endpoint) is used only by classes of its own package:
     * endpoints call services, never another feature's endpoint; the web shell does not call them either.
     */
    public static ArchRule resourcesAndPagesOnlyUsedInTheirPackage(String root) {
        return classes().that(resideInAPackage(root + "..")
                        .and(simpleNameEndingWith("Resource").or(simpleNameEndingWith("Pages"))))
                .should(onlyBeUsedFromTheirOwnPackage())
                .because("pages and resources call services; another package's endpoint is not an API");
    }

    private static ArchCondition<JavaClass> onlyBeUsedFromTheirOwnPackage() {
        return new ArchCondition<>("only be used by classes of their own package") {
            @Override
            public void check(JavaClass endpoint, ConditionEvents events) {
                for (Dependency d : endpoint.getDirectDependenciesToSelf()) {
                    JavaClass from = d.getOriginClass();
                    if (!from.getPackageName().equals(endpoint.getPackageName())) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        };
    }

    /**
     * kernel at the bottom; imagetool → kernel; libvirt → imagetool, kernel; audit → kernel; the
     * features → all of those (and each other, acyclic by {@link #noPackageCycles}); web on top.
     */
    public static ArchRule layers(String root) {
        String kernel = root + ".kernel..";
        String imagetool = root + ".imagetool..";
        String libvirt = root + ".libvirt..";
        String audit = root + ".audit..";
        String web = root + ".web..";
        DescribedPredicate<JavaClass> features = resideInAPackage(root + "..")
                .and(not(resideInAnyPackage(kernel, imagetool, libvirt, audit, web)))
                .as("the feature packages of " + root);
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("Kernel").definedBy(kernel)
                .layer("ImageTool").definedBy(imagetool)
                .layer("Libvirt").definedBy(libvirt)
                .layer("Audit").definedBy(audit)
                .layer("Features").definedBy(features)
                .layer("Web").definedBy(web)
                .whereLayer("Kernel").mayNotAccessAnyLayer()
                .whereLayer("ImageTool").mayOnlyAccessLayers("Kernel")
                .whereLayer("Libvirt").mayOnlyAccessLayers("ImageTool", "Kernel")
                .whereLayer("Audit").mayOnlyAccessLayers("Kernel")
                .whereLayer("Features").mayOnlyAccessLayers("Kernel", "ImageTool", "Libvirt", "Audit")
                .whereLayer("Web").mayNotBeAccessedByAnyLayer();
    }
}
