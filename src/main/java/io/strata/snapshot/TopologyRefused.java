package io.strata.snapshot;

import io.strata.job.JobFailure;

/**
 * A snapshot operation that cannot be done safely on the VM's files as they are; thrown before
 * anything is touched, with what to do instead. A request gets 409, a job fails with the message.
 */
public class TopologyRefused extends JobFailure {
    public TopologyRefused(String message) {
        super(message);
    }
}
