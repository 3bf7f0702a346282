package io.strata.faults;

import java.util.ArrayList;
import java.util.List;

import io.strata.support.LibvirtHost;

/**
 * The job kinds the fault suite interrupts, each with a VM prepared for it and what its disks
 * read before and after the job. Every VM starts with pattern {@link #A} over the first 4 MiB;
 * {@link #B} (16 MiB after it) is what the job's subject holds or not. Merges are throttled to
 * 1 MiB/s so that they last long enough to be hit anywhere.
 */
enum FaultKind {
    SNAPSHOT_CREATE_INTERNAL("snapshot-create-internal", "internal"),
    SNAPSHOT_CREATE_EXTERNAL("snapshot-create-external", "external"),
    SNAPSHOT_REVERT_INTERNAL("snapshot-revert-internal", "internal"),
    SNAPSHOT_REVERT_EXTERNAL("snapshot-revert-external", "external"),
    SNAPSHOT_DELETE_INTERNAL("snapshot-delete-internal", "internal"),
    /** Offline: {@code qemu-img commit} at 1 MiB/s. */
    SNAPSHOT_DELETE_EXTERNAL("snapshot-delete-external", "external"),
    /** Running VM: an active block commit at 1 MiB/s, then a pivot. */
    SNAPSHOT_DELETE_LIVE("snapshot-delete-live", "external"),
    SNAPSHOT_MERGE_ALL("snapshot-merge-all", "external"),
    DISK_CONVERT("disk-convert", "external"),
    VM_CLONE("vm-clone", "external"),
    VM_DELETE("vm-delete", "external"),
    /** virt-sysprep on a tiny guest, the image renamed template-…, read-only, the domain undefined (TemplateKinds). */
    TEMPLATE_SEAL("template-seal", "external"),
    /** From the suite's template (sealed once): a qcow2 overlay on its image. */
    PROVISION_THIN("provision-thin", "external"),
    /** From the suite's template: a full copy (qemu-img convert). */
    PROVISION_CLONE("provision-clone", "external"),
    /** A thin VM of the suite's template made standalone (qemu-img rebase -b ""). */
    VM_FLATTEN("vm-flatten", "external");

    static final int A = 0x11;
    static final int B = 0x22;
    static final String A_OFF = "0";
    static final String A_LEN = "4M";
    static final String B_OFF = "4M";
    static final String B_LEN = "16M";

    final String id;
    /** The snapshot kind the usability check makes (a VM with internal snapshots refuses external ones). */
    final String snapshotKind;

    FaultKind(String id, String snapshotKind) {
        this.id = id;
        this.snapshotKind = snapshotKind;
    }

    static FaultKind byId(String id) {
        for (FaultKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no fault kind " + id + "; kinds: " + ids());
    }

    static String ids() {
        List<String> out = new ArrayList<>();
        for (FaultKind k : values()) {
            out.add(k.id);
        }
        return String.join(",", out);
    }

    /** Prepares {@code vm} (defined, with A; what else the kind needs), through the app where Strata would. */
    void setup(FaultSuite s, String vm) throws Exception {
        if (template()) {
            TemplateKinds.setup(this, s, vm);
            return;
        }
        String disk = s.defineVm(vm);
        Disks.write(disk, A, A_OFF, A_LEN);
        switch (this) {
            case SNAPSHOT_CREATE_INTERNAL, SNAPSHOT_CREATE_EXTERNAL, DISK_CONVERT, VM_CLONE, VM_DELETE ->
                Disks.write(disk, B, B_OFF, B_LEN);
            case SNAPSHOT_REVERT_INTERNAL, SNAPSHOT_DELETE_INTERNAL -> {
                s.succeed("POST", s.vmPath(vm) + "/snapshots", "{\"name\":\"s0\",\"kind\":\"internal\"}");
                Disks.write(Disks.top(vm), B, B_OFF, B_LEN);
            }
            case SNAPSHOT_REVERT_EXTERNAL, SNAPSHOT_DELETE_EXTERNAL -> {
                s.succeed("POST", s.vmPath(vm) + "/snapshots", "{\"name\":\"s0\",\"kind\":\"external\"}");
                Disks.write(Disks.top(vm), B, B_OFF, B_LEN);
            }
            case SNAPSHOT_MERGE_ALL -> {
                s.succeed("POST", s.vmPath(vm) + "/snapshots", "{\"name\":\"s0\",\"kind\":\"external\"}");
                Disks.write(Disks.top(vm), B, "4M", "8M");
                s.succeed("POST", s.vmPath(vm) + "/snapshots", "{\"name\":\"s1\",\"kind\":\"external\"}");
                Disks.write(Disks.top(vm), B, "12M", "8M");
            }
            case SNAPSHOT_DELETE_LIVE -> {
                LibvirtHost.virsh("start", vm);
                s.succeed("POST", s.vmPath(vm) + "/snapshots", "{\"name\":\"s0\",\"kind\":\"external\"}");
                String out = LibvirtHost.virsh("qemu-monitor-command", "--hmp", vm,
                        "qemu-io -d virtio-disk0/virtio-backend \"write -P " + B + " " + B_OFF + " " + B_LEN + "\"");
                if (!out.isBlank()) {
                    throw new AssertionError("qemu-io through the monitor: " + out);
                }
            }
        }
    }

    /** Requests the job under test; returns its id. */
    long request(FaultSuite s, String vm) throws Exception {
        String p = s.vmPath(vm);
        return switch (this) {
            case SNAPSHOT_CREATE_INTERNAL -> s.job("POST", p + "/snapshots", "{\"name\":\"f1\",\"kind\":\"internal\"}");
            case SNAPSHOT_CREATE_EXTERNAL -> s.job("POST", p + "/snapshots", "{\"name\":\"f1\",\"kind\":\"external\"}");
            case SNAPSHOT_REVERT_INTERNAL, SNAPSHOT_REVERT_EXTERNAL -> s.job("POST", p + "/snapshots/s0/revert", "{}");
            case SNAPSHOT_DELETE_INTERNAL -> s.job("DELETE", p + "/snapshots/s0", null);
            case SNAPSHOT_DELETE_EXTERNAL, SNAPSHOT_DELETE_LIVE -> s.job("DELETE", p + "/snapshots/s0?bandwidth=1", null);
            case SNAPSHOT_MERGE_ALL -> s.job("POST", p + "/merge?bandwidth=1", null);
            case DISK_CONVERT -> s.job("POST", p + "/disks/vda/convert", "{\"format\":\"raw\"}");
            case VM_CLONE -> s.job("POST", p + "/clone", "{\"name\":\"" + vm + "-c\"}");
            case VM_DELETE -> s.job("DELETE", p + "?disks=true", null);
            case TEMPLATE_SEAL, PROVISION_THIN, PROVISION_CLONE, VM_FLATTEN -> TemplateKinds.request(this, s, vm);
        };
    }

    /**
     * What the VM's disks read: "before", "after", "same" (the job does not change what the VM
     * reads, and it reads that), or a violation that says what mix it found.
     */
    String data(FaultSuite s, String vm, List<String> filesBefore) throws Exception {
        switch (this) {
            case TEMPLATE_SEAL, PROVISION_THIN, PROVISION_CLONE, VM_FLATTEN -> {
                return TemplateKinds.data(this, s, vm, filesBefore);
            }
            case VM_DELETE -> {
                if (!Disks.domainExists(vm)) {
                    List<String> left = filesBefore.stream().filter(f -> java.nio.file.Files.exists(java.nio.file.Path.of(f)))
                            .toList();
                    return left.isEmpty() ? "after" : "VIOLATION: the domain is gone but its files are left: " + left;
                }
                return readsAB(vm) ? "before" : "VIOLATION: the domain exists but does not read A+B";
            }
            case VM_CLONE -> {
                if (!readsAB(vm)) {
                    return "VIOLATION: the source does not read A+B";
                }
                if (!Disks.domainExists(vm + "-c")) {
                    return "before";
                }
                return readsAB(vm + "-c") ? "after" : "VIOLATION: the clone exists but does not read A+B";
            }
            case SNAPSHOT_REVERT_INTERNAL, SNAPSHOT_REVERT_EXTERNAL -> {
                String top = Disks.top(vm);
                if (!Disks.reads(top, A, A_OFF, A_LEN)) {
                    return "VIOLATION: A is not read back from " + top;
                }
                if (Disks.reads(top, B, B_OFF, B_LEN)) {
                    return "before";
                }
                return Disks.reads(top, 0, B_OFF, B_LEN) ? "after" : "VIOLATION: neither B nor zeros at B's range (a mix)";
            }
            default -> {
                return readsAB(vm) ? "same" : "VIOLATION: " + vm + " does not read A+B from " + Disks.top(vm);
            }
        }
    }

    private static boolean readsAB(String vm) {
        String top = Disks.top(vm);
        return Disks.reads(top, A, A_OFF, A_LEN) && Disks.reads(top, B, B_OFF, B_LEN);
    }

    /** Whether the kind merges a snapshot's data (so a stop leaves it marked partly merged, to finish by asking again). */
    boolean merges() {
        return this == SNAPSHOT_DELETE_EXTERNAL || this == SNAPSHOT_DELETE_LIVE || this == SNAPSHOT_MERGE_ALL;
    }

    /** How long its job may take: virt-sysprep boots a TCG appliance, minutes on a loaded machine. */
    int patienceSeconds() {
        return this == TEMPLATE_SEAL ? TemplateKinds.SEAL_SECONDS : 300;
    }

    /** Whether the kind makes, uses or copies a template (TemplateKinds). */
    boolean template() {
        return this == TEMPLATE_SEAL || this == PROVISION_THIN || this == PROVISION_CLONE || this == VM_FLATTEN;
    }

    /** The VM's files before the job (a provision's: the disk it will have). */
    List<String> files(FaultSuite s, String vm) throws Exception {
        return template() ? TemplateKinds.files(this, s, vm) : Disks.chain(Disks.top(vm));
    }

    /** The domains of the run whose invariants are checked (a clone's too). */
    List<String> domains(String vm) {
        return this == VM_CLONE ? List.of(vm, vm + "-c") : List.of(vm);
    }
}
