package io.strata.job;

/** Thrown at a check point when the job's cancel flag is set. */
public class JobCancelled extends RuntimeException {
    public JobCancelled() {
        super("cancelled on request");
    }

    /** Cancelled, with what the stop left behind. */
    public JobCancelled(String message) {
        super(message);
    }
}
