package io.strata.vm;

import io.strata.job.JobPayload;

/** VM_ASSIGN_OWNER: the account that owns the VM from now on (written into the domain's metadata). */
public record AssignOwnerPayload(String owner) implements JobPayload {
    public AssignOwnerPayload {
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("owner missing");
        }
    }
}
