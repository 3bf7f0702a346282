package io.strata.job;

import java.util.Map;

/**
 * What a resource asks the queue for. {@code auditDetails} is what the audit event says beyond the
 * action and target (e.g. the description given).
 */
public record JobRequest(JobKind kind, String host, String vm, String target, Map<String, Object> params,
                         String auditDetails, Long batchId) {

    public JobRequest(JobKind kind, String host, String vm, String target, Map<String, Object> params,
            String auditDetails) {
        this(kind, host, vm, target, params, auditDetails, null);
    }
}
