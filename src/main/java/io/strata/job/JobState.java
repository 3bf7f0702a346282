package io.strata.job;

import java.util.EnumSet;
import java.util.Set;

/** QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED; INTERRUPTED when the worker vanished. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, INTERRUPTED;

    public static final Set<JobState> ACTIVE = EnumSet.of(QUEUED, RUNNING);

    public boolean isFinished() {
        return !ACTIVE.contains(this);
    }
}
