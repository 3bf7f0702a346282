package io.strata.job;

/** What a job does. Each kind has one {@link JobHandler}. */
public enum JobKind {
    SNAPSHOT_CREATE("snapshot.create"),
    SNAPSHOT_REVERT("snapshot.revert"),
    SNAPSHOT_DELETE("snapshot.delete"),
    VM_ASSIGN_OWNER("vm.assign-owner"),
    INVENTORY_SYNC("inventory.sync");

    /** The action name used in the audit log. */
    public final String action;

    JobKind(String action) {
        this.action = action;
    }
}
