package io.strata.audit;

/** How an audited action ended (or, for ACCEPTED, that it was queued as a job). */
public enum Outcome {
    SUCCESS, ACCEPTED, DENIED, REFUSED, FAILED, CANCELLED, INTERRUPTED
}
