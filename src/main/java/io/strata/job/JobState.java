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
 *     │                 └──heartbeat stopped, ────▶ INTERRUPTED
 *     │                    taken over and reconciled
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
     * FAILED or CANCELLED when its handler ends. When its heartbeat goes stale (the worker's node
     * died, or lost the database), a reaper takes it over (it stays RUNNING under the reaper's
     * node, still holding its VM), reconciles it, and ends it INTERRUPTED.
     */
    RUNNING,
    /** Final. The handler returned; {@code result} says what it did. */
    SUCCEEDED,
    /** Final. The handler threw; {@code error} says why, in words the user can act on. */
    FAILED,
    /** Final. Cancelled while queued (nothing ran), or stopped at a check point (the log says what was left). */
    CANCELLED,
    /**
     * Final. The worker vanished mid-way. Disk operations are not idempotent, so the job is never
     * re-run: its handler inspected the host (before this state was written) and the finding is the
     * job's {@code result} ({@code reconciled_at}); {@code error} says whose heartbeat stopped.
     */
    INTERRUPTED;

    /** The states a job may still change from; at most one per VM (index job_one_active_per_vm). */
    public static final Set<JobState> ACTIVE = EnumSet.of(QUEUED, RUNNING);

    /**
     * {@link #ACTIVE} as HQL literals, for queries run on every request: Hibernate keeps no plan
     * for a query with a list parameter and translates it to SQL again at each run.
     */
    public static final String ACTIVE_HQL = ACTIVE.stream().map(s -> JobState.class.getName() + "." + s.name())
            .collect(java.util.stream.Collectors.joining(", ", "(", ")"));

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
