package io.strata.job;

import io.strata.kernel.HostFailure;

/** A job failed for a reason the user can read and act on. */
public class JobFailure extends HostFailure {
    public JobFailure(String message) {
        super(message);
    }

    public JobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
