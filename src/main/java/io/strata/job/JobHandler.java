package io.strata.job;

/**
 * Does the work of one {@link JobKind}. Runs on a worker thread without a database transaction:
 * talk to libvirt, report through the context, return a one-line result or throw.
 */
public interface JobHandler {

    JobKind kind();

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
