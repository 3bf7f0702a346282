package io.strata.job;

/**
 * What a resource asks the queue for. {@code auditDetails} is what the audit event says beyond the
 * action and target (e.g. the description given).
 */
public record JobRequest(JobKind kind, String host, String vm, String target, JobPayload payload,
                         String auditDetails, Long batchId) {

    public JobRequest(JobKind kind, String host, String vm, String target, JobPayload payload,
            String auditDetails) {
        this(kind, host, vm, target, payload, auditDetails, null);
    }
}
