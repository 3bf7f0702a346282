package io.strata.template;

import java.util.List;

import io.strata.job.JobPayload;

/**
 * TEMPLATE_CREATE: virt-sysprep's {@code --operations} list, the SSH keys injected for root, and the
 * template's hostname. The template's name is the job's target.
 */
public record SealPayload(String operations, List<String> sshKeys, String hostname) implements JobPayload {
    public SealPayload {
        if (operations == null || operations.isBlank()) {
            throw new IllegalArgumentException("operations missing");
        }
        sshKeys = sshKeys == null ? List.of() : List.copyOf(sshKeys);
    }
}
