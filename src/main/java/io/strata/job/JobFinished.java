package io.strata.job;

/** Fired (CDI event) after a job reached a final state, e.g. so the inventory can be refreshed. */
public record JobFinished(long jobId, JobKind kind, JobState state, String host, String vm) {
}
