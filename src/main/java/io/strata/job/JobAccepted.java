package io.strata.job;

/** The answer to every request that queued a job. */
public record JobAccepted(long jobId, String state, String href) {
    public static JobAccepted of(Job j) {
        return new JobAccepted(j.id, j.state.name(), "/api/jobs/" + j.id);
    }
}
