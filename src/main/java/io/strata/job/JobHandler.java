package io.strata.job;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Does the work of one {@link JobKind}. Runs on a worker thread without a database transaction:
 * talk to libvirt, report through the context, return a one-line result or throw.
 */
public interface JobHandler {

    JobKind kind();

    /** The record this kind's jobs carry; checked when a job is accepted, read back for {@link #run}. */
    default Class<? extends JobPayload> payloadType() {
        return JobPayload.None.class;
    }

    /** The schema version of this kind's payload; raise it when the record changes incompatibly. */
    default int payloadVersion() {
        return 1;
    }

    /** Turns a payload stored by an older release (version {@code from}) into the current shape. */
    default JsonNode upgradePayload(int from, JsonNode stored) {
        throw new IllegalArgumentException(kind() + " has no upgrade from payload version " + from);
    }

    /** Does the job. Throw {@link JobFailure} (or any exception) to fail it. */
    String run(JobContext ctx) throws Exception;

    /**
     * Called once for a job found INTERRUPTED (its worker vanished mid-way). Inspects the host and
     * says what it found; disk operations are not idempotent, so nothing is blindly re-run.
     */
    default String reconcile(JobContext ctx) throws Exception {
        return "no reconciliation needed for " + kind();
    }
}
