package io.strata.provision;

import io.strata.job.JobPayload;

/**
 * VM_CLONE (the job's VM is the source, held for the whole copy): the new VM's name, the guest
 * hostname and root SSH key applied to its disk (null: none), whether virt-sysprep makes it a
 * different machine ({@code reset}), and whether to start it.
 */
public record VmClonePayload(String name, String hostname, String sshKey, boolean reset, boolean start)
        implements JobPayload {
    public VmClonePayload {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name missing");
        }
    }
}
