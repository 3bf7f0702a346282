package io.strata.job;

/** The VM already has an active job: the database's one-active-job-per-VM index said no. */
public class JobConflict extends RuntimeException {
    public final Long activeJobId;

    public JobConflict(String message, Long activeJobId) {
        super(message);
        this.activeJobId = activeJobId;
    }
}
