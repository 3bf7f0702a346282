package io.strata.job;

/** The VM already has an active job: the database's one-active-job-per-VM index said no. */
public class JobConflict extends RuntimeException {
    public final Long activeJobId;
    /** The VM that is busy; null for a batch (one of its VMs). */
    public final String vm;

    public JobConflict(String message, Long activeJobId) {
        this(message, activeJobId, null);
    }

    public JobConflict(String message, Long activeJobId, String vm) {
        super(message);
        this.activeJobId = activeJobId;
        this.vm = vm;
    }
}
