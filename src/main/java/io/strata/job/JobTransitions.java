package io.strata.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.kernel.Caller;

/**
 * Every statement that changes a job's state, and nothing else: queue, claim, heartbeat, progress,
 * cancel, take over a stale job, interrupt it once reconciled ({@link JobOutcomes} writes a
 * worker's outcome). Each UPDATE names the states it may start from, taken from {@link JobState}'s table, so a transition outside it matches no row (and the database's trigger
 * refuses it anyway). Each method is one short transaction, or joins the caller's where it says so.
 */
@ApplicationScoped
public class JobTransitions {

    @Inject
    JobMetrics metrics;
    @Inject
    EntityManager em;
    @Inject
    AuditLog audit;
    @Inject
    JobLog log;
    @Inject
    JobNotices notices;


    /** {@code state IN (…)} for the states that may become {@code target}. */
    static String from(JobState target) {
        Set<JobState> from = JobState.from(target);
        return "state IN (" + from.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(",")) + ")";
    }

    /**
     * → QUEUED: new rows in one statement, in the caller's transaction (which also writes their
     * audit events); answered in the order given. One round trip for a whole batch: the ids come
     * from the identity column in the order of the SELECT, so sorting the rows by id restores it.
     */
    List<Job> queue(List<Job> js) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Job j : js) {
            Map<String, Object> r = new HashMap<>();
            r.put("kind", j.kind.name());
            r.put("host", j.host);
            r.put("vm", j.vm);
            r.put("target", j.target);
            r.put("payload", j.payload);
            r.put("payload_version", j.payloadVersion);
            r.put("actor", j.actor);
            r.put("actor_roles", j.actorRoles);
            r.put("source_address", j.sourceAddress);
            r.put("batch_id", j.batchId);
            rows.add(r);
        }
        @SuppressWarnings("unchecked")
        List<Job> queued = em.createNativeQuery("WITH v AS (SELECT * FROM ROWS FROM (jsonb_to_recordset(CAST(?1 AS jsonb))"
                + "   AS (kind text, host text, vm text, target text, payload text, payload_version int, actor text,"
                + "   actor_roles text, source_address text, batch_id bigint)) WITH ORDINALITY"
                + "   AS v(kind, host, vm, target, payload, payload_version, actor, actor_roles, source_address, batch_id, n)),"
                + " i AS (INSERT INTO job (kind, state, host, vm, target, payload, payload_version, actor, actor_roles,"
                + "   source_address, batch_id, created_at)"
                + "   SELECT kind, 'QUEUED', host, vm, target, CAST(payload AS jsonb), payload_version, actor, actor_roles,"
                + "   source_address, batch_id, ?2 FROM v ORDER BY n RETURNING *)"
                + " SELECT * FROM i ORDER BY id", Job.class)
                .setParameter(1, JobOutcomes.json(rows)).setParameter(2, Instant.now()).getResultList();
        return queued;
    }

    /**
     * QUEUED → RUNNING: the oldest queued job whose host is under its limit, and when it is of an
     * {@linkplain JobKind#instant() instant} kind, up to {@code max} in all of the instant jobs
     * queued right after it (one round trip for many jobs that each take no time). SKIP LOCKED lets
     * any number of workers on any number of nodes race without taking a job twice. Instant kinds do
     * no work on a host, so they neither count towards nor wait for the per-host limit.
     */
    @Transactional
    public List<Job> claim(String worker, int perHostLimit, int max) {
        String instant = JobKind.instantKinds();
        // One statement: the claim of the oldest claimable job...
        @SuppressWarnings("unchecked")
        List<Job> claimed = em.createNativeQuery("WITH f AS (SELECT j.id, j.kind FROM job j"
                + "   WHERE j.state = 'QUEUED' AND NOT j.cancel_requested AND (j.kind IN (" + instant + ")"
                + "     OR (SELECT count(*) FROM job r WHERE r.state = 'RUNNING' AND r.host = j.host"
                + "       AND r.kind NOT IN (" + instant + ")) < ?2)"
                + "   ORDER BY j.id LIMIT 1 FOR UPDATE SKIP LOCKED),"
                // ...when it is instant, the unbroken run of instant ones queued after it. Only these
                // are locked: locking candidates that are not taken would hide them from the other
                // workers, which would then sleep while they wait.
                + " r AS (SELECT j.id FROM job j, f WHERE f.kind IN (" + instant + ") AND j.id > f.id"
                + "   AND j.state = 'QUEUED' AND NOT j.cancel_requested AND j.kind IN (" + instant + ")"
                + "   AND j.id < coalesce((SELECT min(s.id) FROM job s WHERE s.state = 'QUEUED' AND s.id > f.id"
                + "     AND s.kind NOT IN (" + instant + ")), 9223372036854775807)"
                + "   ORDER BY j.id LIMIT ?3 - 1 FOR UPDATE OF j SKIP LOCKED),"
                + " p AS (SELECT id FROM f UNION ALL SELECT id FROM r),"
                + " c AS (UPDATE job SET state = 'RUNNING', worker = ?1,"
                + " heartbeat_at = now(), started_at = coalesce(started_at, now()), attempts = attempts + 1"
                + " WHERE " + from(JobState.RUNNING) + " AND id IN (SELECT id FROM p) RETURNING *),"
                + " l AS (INSERT INTO job_log (job_id, at, line)"
                + "   SELECT id, clock_timestamp(), 'started on ' || ?1 || ' (attempt ' || attempts || ')' FROM c)"
                // ...and the notice that wakes each job's live page (pg_notify is volatile: once per row).
                + " SELECT c.* FROM c CROSS JOIN LATERAL (SELECT pg_notify('" + JobNotices.CHANGED + "', CAST(c.id AS text))) n"
                + " ORDER BY c.id",
                Job.class).setParameter(1, worker).setParameter(2, perHostLimit).setParameter(3, Math.max(1, max))
                .getResultList();
        claimed.forEach(em::detach);
        return claimed;
    }

    /** RUNNING stays RUNNING: the jobs this node is running (or reconciling) are alive. */
    @Transactional
    public int heartbeat(String worker, Collection<Long> liveHere) {
        if (liveHere.isEmpty()) {
            return 0;
        }
        // SKIP LOCKED: a job whose outcome is being committed right now needs no heartbeat, and
        // waiting for it could deadlock with a group commit that locks several jobs' rows.
        return em.createNativeQuery("UPDATE job SET heartbeat_at = now() WHERE id IN (SELECT id FROM job"
                + " WHERE worker = ?1 AND state = 'RUNNING' AND id = ANY(CAST(string_to_array(?2, ',') AS bigint[]))"
                + " FOR UPDATE SKIP LOCKED)")
                .setParameter(1, worker).setParameter(2, liveHere.stream().map(String::valueOf)
                        .collect(Collectors.joining(","))).executeUpdate();
    }

    /**
     * RUNNING: progress (0–100) and its phrase, which also counts as a heartbeat. Written without
     * waiting for the WAL flush: a crash may lose the last few of them, never a state change. The
     * same statement tells the job's live pages (see {@link JobNotices#CHANGED}).
     */
    @Transactional
    public void progress(long jobId, int percent, String text) {
        em.createNativeQuery("UPDATE job SET progress = ?2, progress_text = ?3, heartbeat_at = now()"
                + " FROM (SELECT set_config('synchronous_commit', 'off', true), pg_notify('" + JobNotices.CHANGED
                + "', CAST(?1 AS text))) s WHERE id = ?1 AND state = 'RUNNING'")
                .setParameter(1, jobId).setParameter(2, Math.max(0, Math.min(100, percent))).setParameter(3, text)
                .executeUpdate();
    }

    /** Whether someone asked the job to stop (read at a handler's check points). */
    @Transactional
    public boolean isCancelRequested(long jobId) {
        return Boolean.TRUE.equals(em.createNativeQuery("SELECT cancel_requested FROM job WHERE id = ?1")
                .setParameter(1, jobId).getSingleResult());
    }

    /**
     * QUEUED → CANCELLED at once; a RUNNING job gets its cancel flag and stops at its next check
     * point. Returns the job as it is after the request (already final: the caller says so).
     */
    @Transactional
    public Job cancel(Caller caller, long jobId) {
        Job j = em.find(Job.class, jobId, LockModeType.PESSIMISTIC_WRITE);
        if (j.state == JobState.QUEUED) {
            j.state = JobState.CANCELLED;
            j.finishedAt = Instant.now();
            j.error = "cancelled by " + caller.name() + " before it started";
            audit.record(caller, "job.cancel", j.auditTarget(), j.id, Outcome.SUCCESS, "cancelled while queued");
            notices.finishedInCurrentTransaction(List.of(jobId));
            metrics.ended(j.kind, JobState.CANCELLED);
        } else if (j.state == JobState.RUNNING) {
            j.cancelRequested = true;
            audit.record(caller, "job.cancel", j.auditTarget(), j.id, Outcome.ACCEPTED,
                    "cancel requested while running; the job stops at its next check point");
            notices.changedInCurrentTransaction(jobId);
            notices.cancelRequestedInCurrentTransaction(jobId);
        }
        return j;
    }

    /**
     * RUNNING stays RUNNING, under this node: takes over jobs without a heartbeat since
     * {@code staleBefore} so that this node can reconcile them while they still hold their VM (the
     * one-active-job index covers RUNNING), then end them INTERRUPTED with {@link #interrupt}. Never
     * a job this node is running itself ({@code liveHere}); its jobs from before a restart ran under
     * another name and are taken over like any other node's. SKIP LOCKED: when two nodes reap at
     * once, each stale job is taken (and audited) once; a node that dies while reconciling leaves
     * the job stale again, and another node takes it over.
     */
    @Transactional
    public List<Job> takeOverStale(Instant staleBefore, String ownNode, Collection<Long> liveHere) {
        @SuppressWarnings("unchecked")
        List<Number> ids = em.createNativeQuery("SELECT id FROM job WHERE state = 'RUNNING' AND heartbeat_at < ?1"
                + " AND id <> ALL(CAST(string_to_array(?2, ',') AS bigint[])) ORDER BY id FOR UPDATE SKIP LOCKED")
                .setParameter(1, staleBefore).setParameter(2, liveHere.stream().map(String::valueOf)
                        .collect(Collectors.joining(","))).getResultList();
        List<Job> stale = new ArrayList<>();
        for (Number id : ids) {
            Job j = em.find(Job.class, id.longValue());
            j.error = "worker " + j.worker + " stopped heartbeating (last at " + j.heartbeatAt
                    + "); the job's effect on the host is being reconciled by " + ownNode;
            j.worker = ownNode;
            j.heartbeatAt = Instant.now();
            audit.record(Caller.SYSTEM, "job.interrupted", j.auditTarget(), j.id, Outcome.INTERRUPTED, j.error);
            notices.changedInCurrentTransaction(j.id);
            stale.add(j);
        }
        return stale;
    }

    /**
     * RUNNING → INTERRUPTED, for a job this node took over and reconciled: the handler's finding
     * becomes the job's result, in the same transaction as the state change. The row lock orders it
     * against a late worker's {@link #finishAll} and another node's take-over: whoever commits first
     * decides the state, and the other's account is kept. A worker that finishes after the take-over
     * leaves its outcome in the log; when this reconciliation comes second (the job ended, or another
     * node took it over in turn), its finding goes into the log, never lost: false then.
     */
    @Transactional
    public boolean interrupt(long jobId, String ownNode, String finding) {
        Job j = em.find(Job.class, jobId, LockModeType.PESSIMISTIC_WRITE);
        if (j == null) {
            return false; // removed with its VM's history meanwhile
        }
        if (j.state != JobState.RUNNING || !ownNode.equals(j.worker)) {
            log.appendInCurrentTransaction(jobId, "reconciled by " + ownNode + " after "
                    + (j.state == JobState.RUNNING ? j.worker + " took the job over in turn" : "the job ended " + j.state)
                    + "; that verdict stands. This reconciliation found: " + finding);
            notices.changedInCurrentTransaction(jobId);
            return false;
        }
        j.state = JobState.INTERRUPTED;
        j.finishedAt = Instant.now();
        j.result = finding;
        j.reconciledAt = j.finishedAt;
        log.appendInCurrentTransaction(jobId, "reconciled: " + finding);
        audit.record(Caller.SYSTEM, "job.reconciled", j.auditTarget(), j.id, Outcome.SUCCESS, finding);
        notices.finishedInCurrentTransaction(List.of(jobId));
        return true;
    }

    /** The caller a job runs for: its requester, with the roles they had when they asked. */
    static Caller actorOf(Job j) {
        return new Caller(j.actor, j.actorRoles == null || j.actorRoles.isEmpty() ? Set.of()
                : Set.of(j.actorRoles.split(",")), j.sourceAddress);
    }

    static Outcome outcomeOf(JobState s) {
        return switch (s) {
            case SUCCEEDED -> Outcome.SUCCESS;
            case CANCELLED -> Outcome.CANCELLED;
            case INTERRUPTED -> Outcome.INTERRUPTED;
            default -> Outcome.FAILED;
        };
    }
}
