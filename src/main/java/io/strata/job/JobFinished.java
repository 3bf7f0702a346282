package io.strata.job;

/**
 * Fired (CDI event) after a job reached a final state, e.g. so the inventory can be refreshed.
 * {@code after} is the job's VM as the worker read it once the handler ended, or null when it was
 * not read (read-only kinds, a reaped job, a clone, whose reading is of the new VM, not of {@code vm}).
 */
public record JobFinished(long jobId, JobKind kind, JobState state, String host, String vm, ObservedVm after) {

    public JobFinished(long jobId, JobKind kind, JobState state, String host, String vm) {
        this(jobId, kind, state, host, vm, null);
    }
}
