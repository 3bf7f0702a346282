package io.strata.job;

/** What a job does. Each kind has one {@link JobHandler}. */
public enum JobKind {
    SNAPSHOT_CREATE("snapshot.create"),
    SNAPSHOT_REVERT("snapshot.revert"),
    SNAPSHOT_DELETE("snapshot.delete"),
    /** Merge a VM's whole external chain back into its base images and clear its snapshot list. */
    SNAPSHOT_MERGE_ALL("snapshot.merge-all"),
    DISK_CHECK("disk.check"),
    DISK_CONVERT("disk.convert"),
    TEMPLATE_CREATE("template.create"),
    TEMPLATE_DELETE("template.delete"),
    PROVISION_THIN("vm.provision-thin"),
    PROVISION_CLONE("vm.provision-clone"),
    VM_FLATTEN("vm.flatten"),
    VM_START("vm.start"),
    VM_ASSIGN_OWNER("vm.assign-owner"),
    /** Graceful shutdown (ACPI or guest agent), waiting until shut off; forced off at the timeout when asked. */
    VM_SHUTDOWN("vm.shutdown"),
    /** Force off (virsh destroy). */
    VM_DESTROY("vm.destroy"),
    VM_REBOOT("vm.reboot"),
    /** Pause (virsh suspend). */
    VM_SUSPEND("vm.suspend"),
    VM_RESUME("vm.resume"),
    /** Copy any shut-off or paused VM into a new, independent one (like virt-clone). */
    VM_CLONE("vm.clone"),
    /** Remove a VM: its snapshots, its definition and, when asked, the image files only it used. */
    VM_DELETE("vm.delete"),
    INVENTORY_SYNC("inventory.sync"),
    /** The cleanup report: policy, broken chains, orphan files, idle templates, failed jobs, space. */
    CLEANUP_REPORT("report.cleanup"),
    /** Remove one orphan image file a report found, after checking again that nothing references it. */
    ORPHAN_DELETE("orphan.delete"),
    /** Does nothing: measures the job engine. Its handler exists only in the {@code bench} build profile. */
    BENCH_NOOP("bench.noop");

    /** The action name used in the audit log. */
    public final String action;

    JobKind(String action) {
        this.action = action;
    }

    /**
     * Whether the job can change a domain (its definition, state, disks or snapshots), so the
     * inventory re-reads what it touched when it ends. A sync is itself the re-read; a report
     * and an orphan delete look at or remove files no domain uses.
     */
    public boolean changesDomains() {
        return switch (this) {
            case INVENTORY_SYNC, CLEANUP_REPORT, ORPHAN_DELETE, BENCH_NOOP -> false;
            default -> true;
        };
    }

    /**
     * Whether a job of this kind takes no time (no host work, no waiting): a worker claims a run of
     * them in one statement and records their outcomes together. A slow kind must not be, since the
     * jobs claimed with it would wait for it while showing RUNNING.
     */
    public boolean instant() {
        return this == BENCH_NOOP;
    }

    /** The instant kinds as an SQL list ({@code 'A','B'}); never empty ({@code ''} matches no kind), so {@code IN (…)} stays valid. */
    static String instantKinds() {
        String kinds = java.util.Arrays.stream(values()).filter(JobKind::instant).map(k -> "'" + k.name() + "'")
                .collect(java.util.stream.Collectors.joining(","));
        return kinds.isEmpty() ? "''" : kinds;
    }

    /** A kind for benchmarks only: no handler outside the bench build, so it cannot be queued in production. */
    public boolean benchmarkOnly() {
        return this == BENCH_NOOP;
    }
}
