package io.strata.provision;

import io.strata.job.JobPayload;

/**
 * PROVISION_THIN and PROVISION_CLONE: the template the new VM (the job's VM) comes from, the guest
 * hostname and SSH key applied to its new disk (null: none), and whether to start it.
 */
public record ProvisionPayload(String template, String hostname, String sshKey, boolean start) implements JobPayload {
    public ProvisionPayload {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("template missing");
        }
    }
}
