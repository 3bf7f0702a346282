package io.strata.job;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a job. This table is the state machine: {@link JobTransitions} is the only code that
 * changes a job's state, each statement guarded by the states it may start from, and the database
 * refuses any other change (trigger {@code job_state_transition}, V5).
 *
 * <pre>
 *   QUEUED ──claim──▶ RUNNING ──handler returns──▶ SUCCEEDED
 *     │                 ├──handler throws─────────▶ FAILED
 *     │                 ├──cancel at a check point▶ CANCELLED
 *     │                 └──heartbeat stopped──────▶ INTERRUPTED ──(reconciled once, stays)
 *     └──cancel before start─────────────────────▶ CANCELLED
 * </pre>
 */
public enum JobState {

    /**
     * Written with its ACCEPTED audit event by an enqueue; waits for a worker. Next: RUNNING when a
     * worker claims it, CANCELLED when someone cancels it first.
     */
    QUEUED,
    /**
     * Claimed by one worker of one node, which heartbeats it every few seconds. Next: SUCCEEDED,
     * FAILED or CANCELLED when its handler ends, INTERRUPTED when another node (or this node after a
     * restart) finds its heartbeat stale.
     */
    RUNNING,
    /** Final. The handler returned; {@code result} says what it did. */
    SUCCEEDED,
    /** Final. The handler threw; {@code error} says why, in words the user can act on. */
    FAILED,
    /** Final. Cancelled while queued (nothing ran), or stopped at a check point (the log says what was left). */
    CANCELLED,
    /**
     * Final. The worker vanished mid-way (its node died or lost the database). Disk operations are
     * not idempotent, so the job is never re-run: its handler reconciles it once, inspecting the host,
     * and the finding becomes the job's {@code result} ({@code reconciled_at} set).
     */
    INTERRUPTED;

    /** The states a job may still change from; at most one per VM (index job_one_active_per_vm). */
    public static final Set<JobState> ACTIVE = EnumSet.of(QUEUED, RUNNING);

    /** The states this one may become. */
    public Set<JobState> next() {
        return switch (this) {
            case QUEUED -> EnumSet.of(RUNNING, CANCELLED);
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, CANCELLED, INTERRUPTED);
            case SUCCEEDED, FAILED, CANCELLED, INTERRUPTED -> EnumSet.noneOf(JobState.class);
        };
    }

    public boolean canBecome(JobState s) {
        return next().contains(s);
    }

    /** The states from which a job may become {@code target}: what a guarded UPDATE's WHERE names. */
    public static Set<JobState> from(JobState target) {
        Set<JobState> out = EnumSet.noneOf(JobState.class);
        for (JobState s : values()) {
            if (s.canBecome(target)) {
                out.add(s);
            }
        }
        return out;
    }

    public boolean isFinished() {
        return next().isEmpty();
    }
}
