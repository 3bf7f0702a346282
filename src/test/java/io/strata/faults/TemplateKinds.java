package io.strata.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.TinyGuest;

/**
 * The fault suite's template kinds: seal, provision thin and clone, flatten. Their VMs are the
 * tiny guest libguestfs recognises (virt-sysprep refuses a blank disk), grown to 128 MiB; the
 * patterns lie past its filesystem (which ends before 69 MiB), where no guest operation writes.
 * Provision and flatten start from one template per suite, sealed on first use.
 */
final class TemplateKinds {

    static final String SIZE = "128M";
    static final String A_OFF = "96M";
    static final String B_OFF = "100M";
    static final String B_LEN = "8M";
    /** What a thin VM writes into its own overlay before it is flattened. */
    static final int C = 0x33;
    static final String C_OFF = "112M";
    static final String C_LEN = "4M";
    /** How long a seal may take (a loaded 2-core machine took over 5 minutes). */
    static final int SEAL_SECONDS = 1800;
    private static final String SEAL = "{\"operations\":[\"defaults\"]}";

    /** A template: its name, its image, and the image's checksum once sealed (null: nothing to compare with). */
    record Sealed(String name, String file, String sha256) {
    }

    private TemplateKinds() {
    }

    /** Defines a tiny guest reading A and B; returns its disk. */
    static String guestVm(FaultSuite s, String vm) throws Exception {
        String disk = s.defineVm(vm, TinyGuest.image(), SIZE);
        Disks.write(disk, FaultKind.A, A_OFF, FaultKind.A_LEN);
        Disks.write(disk, FaultKind.B, B_OFF, B_LEN);
        return disk;
    }

    static Sealed sealSuiteTemplate(FaultSuite s) throws Exception {
        String vm = LibvirtHost.PREFIX + "f-tpl";
        String disk = guestVm(s, vm);
        long id = s.job("POST", s.vmPath(vm) + "/template", SEAL);
        String state = s.awaitFinal(id, SEAL_SECONDS);
        if (!"SUCCEEDED".equals(state)) {
            throw new AssertionError("sealing the suite's template: job " + id + " " + state + ": "
                    + s.db.queryString("SELECT error FROM job WHERE id = ?", id));
        }
        String file = sealedFile(disk, vm);
        return new Sealed("template-" + vm, file, DiskProbes.sha256(Path.of(file)));
    }

    /** Where sealing puts a VM's first disk (TemplateHandlers.sealedPath). */
    static String sealedFile(String disk, String vm) {
        return Path.of(disk).resolveSibling("template-" + vm + ".qcow2").toString();
    }

    static void setup(FaultKind k, FaultSuite s, String vm) throws Exception {
        switch (k) {
            case TEMPLATE_SEAL -> guestVm(s, vm);
            case PROVISION_THIN, PROVISION_CLONE -> s.template();
            case VM_FLATTEN -> {
                s.succeed("POST", provisionPath(s), provisionBody(vm, "thin"));
                Disks.write(Disks.top(vm), C, C_OFF, C_LEN);
            }
            default -> throw new IllegalArgumentException(k.id);
        }
    }

    static long request(FaultKind k, FaultSuite s, String vm) throws Exception {
        return switch (k) {
            case TEMPLATE_SEAL -> s.job("POST", s.vmPath(vm) + "/template", SEAL);
            case PROVISION_THIN -> s.job("POST", provisionPath(s), provisionBody(vm, "thin"));
            case PROVISION_CLONE -> s.job("POST", provisionPath(s), provisionBody(vm, "clone"));
            case VM_FLATTEN -> s.job("POST", s.vmPath(vm) + "/flatten", null);
            default -> throw new IllegalArgumentException(k.id);
        };
    }

    static String provisionPath(FaultSuite s) throws Exception {
        return "/api/templates/" + s.template().name() + "/provision";
    }

    static String provisionBody(String vm, String method) {
        return "{\"name\":\"" + vm + "\",\"method\":\"" + method + "\"}";
    }

    /** The files of the run's VM before the job; for a provision, the disk it will have (ProvisionHandlers.diskPath). */
    static List<String> files(FaultKind k, FaultSuite s, String vm) throws Exception {
        if (k == FaultKind.PROVISION_THIN || k == FaultKind.PROVISION_CLONE) {
            return List.of(Path.of(s.template().file()).resolveSibling(vm + ".qcow2").toString());
        }
        return Disks.chain(Disks.top(vm));
    }

    static boolean readsAB(String file) {
        return Disks.reads(file, FaultKind.A, A_OFF, FaultKind.A_LEN) && Disks.reads(file, FaultKind.B, B_OFF, B_LEN);
    }

    static boolean recorded(FaultSuite s, String template) throws Exception {
        return !"0".equals(s.db.queryString("SELECT count(*) FROM template WHERE name = ?", template));
    }

    /** "before", "after", or a violation in words (FaultKind.data). */
    static String data(FaultKind k, FaultSuite s, String vm, List<String> filesBefore) throws Exception {
        return switch (k) {
            case TEMPLATE_SEAL -> sealData(s, vm, filesBefore.get(0));
            case PROVISION_THIN, PROVISION_CLONE -> provisionData(k, s, vm, filesBefore.get(0));
            case VM_FLATTEN -> flattenData(s, vm);
            default -> throw new IllegalArgumentException(k.id);
        };
    }

    /** Either the VM as it was (defined, on its own disk, reading A+B) or the template, never a part of each. */
    private static String sealData(FaultSuite s, String vm, String disk) throws Exception {
        String template = "template-" + vm;
        String sealed = sealedFile(disk, vm);
        boolean defined = Disks.domainExists(vm);
        if (Disks.domainExists(template)) {
            return "VIOLATION: a domain named " + template + " is defined";
        }
        if (!recorded(s, template)) {
            if (!defined) {
                return "VIOLATION: " + vm + " is undefined and no template was recorded";
            }
            if (Files.exists(Path.of(sealed))) {
                return "VIOLATION: no template was recorded but the sealed image " + sealed + " is there";
            }
            if (!Disks.top(vm).equals(disk)) {
                return "VIOLATION: " + vm + " reads " + Disks.top(vm) + ", not its disk " + disk;
            }
            return readsAB(disk) ? "before" : "VIOLATION: " + vm + " does not read A+B from " + disk;
        }
        if (defined) {
            return "VIOLATION: " + template + " is recorded and " + vm + " is still defined";
        }
        if (Files.exists(Path.of(disk))) {
            return "VIOLATION: " + template + " is recorded and the VM's disk " + disk + " is still there";
        }
        if (!Files.exists(Path.of(sealed))) {
            return "VIOLATION: " + template + " is recorded without its image " + sealed;
        }
        return readsAB(sealed) ? "after" : "VIOLATION: the template image " + sealed + " does not read A+B";
    }

    /** Either no VM and no file of it, or a VM on its own disk (thin: over the template image) reading the template's data. */
    private static String provisionData(FaultKind k, FaultSuite s, String vm, String disk) throws Exception {
        if (!Disks.domainExists(vm)) {
            return Files.exists(Path.of(disk)) ? "VIOLATION: " + vm + " is not defined but its disk " + disk + " is left"
                    : "before";
        }
        String top = Disks.top(vm);
        List<String> want = k == FaultKind.PROVISION_THIN ? List.of(disk, s.template().file()) : List.of(disk);
        List<String> chain = Disks.chain(top);
        if (!chain.equals(want)) {
            return "VIOLATION: " + vm + "'s chain is " + chain + ", not " + want;
        }
        return readsAB(top) ? "after" : "VIOLATION: " + vm + " does not read the template's A+B";
    }

    /** Either still an overlay on the template or a standalone disk, reading A+B (the template's) and C (its own). */
    private static String flattenData(FaultSuite s, String vm) throws Exception {
        String top = Disks.top(vm);
        if (!readsAB(top) || !Disks.reads(top, C, C_OFF, C_LEN)) {
            return "VIOLATION: " + vm + " does not read A+B+C from " + top;
        }
        List<String> chain = Disks.chain(top);
        if (chain.equals(List.of(top, s.template().file()))) {
            return "before";
        }
        return chain.equals(List.of(top)) ? "after" : "VIOLATION: " + vm + "'s chain is " + chain;
    }

    /** The template the run used (the suite's) or made (a seal's, null when it made none), to check and use. */
    static Sealed templateOf(FaultKind k, FaultSuite s, String vm, List<String> filesBefore) throws Exception {
        if (k != FaultKind.TEMPLATE_SEAL) {
            return s.template();
        }
        String name = "template-" + vm;
        return recorded(s, name) ? new Sealed(name, sealedFile(filesBefore.get(0), vm), null) : null;
    }
}
