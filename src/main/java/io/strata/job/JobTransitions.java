package io.strata.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.kernel.Caller;

/**
 * Every statement that changes a job's state, and nothing else: queue, claim, heartbeat, progress,
 * finish, cancel, take over a stale job, interrupt it once reconciled. Each UPDATE names the states it may start from, taken from
 * {@link JobState}'s table, so a transition outside it matches no row (and the database's trigger
 * refuses it anyway). Each method is one short transaction, or joins the caller's where it says so.
 */
@ApplicationScoped
public class JobTransitions {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    private static String abbreviated(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** The outcome's audit event; with what the job changed (its digest), which then points back to it. */
    private void recordOutcome(Job j, Ending o) {
        String details = o.error() != null ? o.error() : o.result();
        if (o.changeDigest() != null) {
            details = (details == null ? "" : abbreviated(details, 3800) + " · ") + "change sha256:" + o.changeDigest();
        }
        // The job_change row gets this event's seq from the database when the event is written
        // (V16's trigger matches the digest named here): events are sealed at commit.
        audit.record(actorOf(j), j.kind.action, j.auditTarget(), j.id, outcomeOf(o.state()), details);
    }

    /** {@code state IN (…)} for the states that may become {@code target}. */
    static String from(JobState target) {
        Set<JobState> from = JobState.from(target);
        return "state IN (" + from.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(",")) + ")";
    }

    /** → QUEUED: writes new rows in the caller's transaction (which also writes their audit events). */
    void queue(Job j) {
        j.state = JobState.QUEUED;
        j.createdAt = Instant.now();
        j.persist();
    }

    /**
     * QUEUED → RUNNING: the oldest queued job whose host is under its limit. SKIP LOCKED lets any
     * number of workers on any number of nodes race without taking a job twice.
     */
    @Transactional
    public Optional<Job> claim(String worker, int perHostLimit) {
        // One statement: the claim, its "started on" log line, and the row as claimed...
        @SuppressWarnings("unchecked")
        List<Job> claimed = em.createNativeQuery("WITH c AS (UPDATE job SET state = 'RUNNING', worker = ?1,"
                + " heartbeat_at = now(), started_at = coalesce(started_at, now()), attempts = attempts + 1"
                + " WHERE " + from(JobState.RUNNING) + " AND id = (SELECT j.id FROM job j"
                + "   WHERE j.state = 'QUEUED' AND NOT j.cancel_requested"
                + "     AND (SELECT count(*) FROM job r WHERE r.state = 'RUNNING' AND r.host = j.host) < ?2"
                + "   ORDER BY j.id LIMIT 1 FOR UPDATE SKIP LOCKED)"
                + " RETURNING *),"
                + " l AS (INSERT INTO job_log (job_id, at, line)"
                + "   SELECT id, clock_timestamp(), 'started on ' || ?1 || ' (attempt ' || attempts || ')' FROM c)"
                // ...and the notice that wakes the job's live page (pg_notify is volatile: once per row).
                + " SELECT c.* FROM c CROSS JOIN LATERAL (SELECT pg_notify('" + JobNotices.CHANGED + "', CAST(c.id AS text))) n",
                Job.class).setParameter(1, worker).setParameter(2, perHostLimit).getResultList();
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        Job j = claimed.get(0);
        em.detach(j);
        return Optional.of(j);
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
     * RUNNING → SUCCEEDED | FAILED | CANCELLED, audited under the job's actor. A job that is no longer
     * RUNNING (reaped as INTERRUPTED while its worker was too slow to heartbeat) keeps that verdict;
     * what the worker saw goes into its log.
     */
    @Transactional
    public Job finish(long jobId, JobState to, String result, String error) {
        return finish(jobId, to, result, error, null);
    }

    /**
     * {@link #finish(long, JobState, String, String)} naming what the job changed: the digest of its
     * {@code job_change} record goes into the outcome's audit event, which the record then points to.
     */
    @Transactional
    public Job finish(long jobId, JobState to, String result, String error, String changeDigest) {
        Job j = finishInCurrentTransaction(new Ending(jobId, to, result, error, null, changeDigest));
        notices.finishedInCurrentTransaction(List.of(jobId));
        return j;
    }

    /**
     * How a worker saw its job end, and the log line that says so (written with the state). With
     * the worker named, the outcome is written only while the job is still that worker's: a job
     * another node took over (its heartbeat stopped, e.g. while the database was away) is being
     * reconciled there, and its verdict wins.
     */
    record Ending(long jobId, JobState state, String result, String error, String logLine, String changeDigest, String worker) {
        Ending(long jobId, JobState state, String result, String error, String logLine, String changeDigest) {
            this(jobId, state, result, error, logLine, changeDigest, null);
        }
    }

    /**
     * Several jobs' outcomes in one transaction (see {@link JobFinisher}): each keeps its own audit
     * event, in the order given; the audit chain's lock is taken once for all of them.
     */
    @Transactional
    public void finishAll(List<Ending> outcomes) {
        List<Ending> inOrder = outcomes.stream().sorted(Comparator.comparingLong(Ending::jobId)).toList();
        Map<Long, Job> ended = finishRunning(inOrder);
        for (Ending o : inOrder) {
            Job j = ended.get(o.jobId());
            if (j != null) {
                recordOutcome(j, o);
            } else {
                finishInCurrentTransaction(o);
            }
        }
        notices.finishedInCurrentTransaction(outcomes.stream().map(Ending::jobId).toList());
    }

    /**
     * The usual case for a whole batch in one statement: the jobs still RUNNING are locked (in id
     * order, as every statement that locks several jobs does), changed, given their last log line
     * and read back. The others (no longer RUNNING, or to be INTERRUPTED) are left to the slow path.
     */
    private Map<Long, Job> finishRunning(List<Ending> inOrder) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Ending o : inOrder) {
            if (o.state() != JobState.INTERRUPTED) {
                Map<String, Object> r = new HashMap<>();
                r.put("id", o.jobId());
                r.put("state", o.state().name());
                r.put("result", o.result());
                r.put("error", o.error());
                r.put("line", o.logLine() == null ? null : JobLog.clip(o.logLine()));
                r.put("worker", o.worker());
                rows.add(r);
            }
        }
        if (rows.isEmpty()) {
            return Map.of();
        }
        String json;
        try {
            json = JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        @SuppressWarnings("unchecked")
        List<Job> done = em.createNativeQuery("WITH v AS (SELECT * FROM jsonb_to_recordset(CAST(?1 AS jsonb))"
                + "   AS v(id bigint, state text, result text, error text, line text, worker text)),"
                + " k AS (SELECT job.id FROM job JOIN v ON v.id = job.id WHERE job.state = 'RUNNING'"
                + "   AND (v.worker IS NULL OR job.worker = v.worker) ORDER BY job.id FOR UPDATE OF job),"
                + " u AS (UPDATE job j SET state = v.state, finished_at = ?2, result = v.result, error = v.error,"
                + "   progress = CASE WHEN v.state = 'SUCCEEDED' THEN 100 ELSE j.progress END"
                + "   FROM v WHERE j.id = v.id AND j.id IN (SELECT id FROM k) RETURNING j.*),"
                + " l AS (INSERT INTO job_log (job_id, at, line) SELECT v.id, clock_timestamp(), v.line FROM v"
                + "   JOIN u ON u.id = v.id WHERE v.line IS NOT NULL)"
                + " SELECT * FROM u", Job.class)
                .setParameter(1, json).setParameter(2, Instant.now()).getResultList();
        Map<Long, Job> byId = new HashMap<>();
        done.forEach(j -> byId.put(j.id, j));
        return byId;
    }

    private Job finishInCurrentTransaction(Ending o) {
        long jobId = o.jobId();
        JobState to = o.state();
        if (to != JobState.INTERRUPTED) {
            // The usual case in one statement (lock, change, its log line, read back); a job that is
            // no longer RUNNING matches no row and takes the slow path below.
            @SuppressWarnings("unchecked")
            List<Job> done = em.createNativeQuery("WITH u AS (UPDATE job SET state = ?2, finished_at = ?3,"
                    + " result = CAST(?4 AS text), error = CAST(?5 AS text),"
                    + " progress = CASE WHEN CAST(?2 AS text) = 'SUCCEEDED' THEN 100 ELSE progress END"
                    + " WHERE id = ?1 AND " + from(to) + " AND state = 'RUNNING'"
                    + "   AND (CAST(?7 AS text) IS NULL OR worker = CAST(?7 AS text)) RETURNING *),"
                    + " l AS (INSERT INTO job_log (job_id, at, line) SELECT id, clock_timestamp(), CAST(?6 AS text) FROM u"
                    + "   WHERE CAST(?6 AS text) IS NOT NULL)"
                    + " SELECT * FROM u", Job.class)
                    .setParameter(1, jobId).setParameter(2, to.name()).setParameter(3, Instant.now())
                    .setParameter(4, o.result()).setParameter(5, o.error())
                    .setParameter(6, o.logLine() == null ? null : JobLog.clip(o.logLine()))
                    .setParameter(7, o.worker()).getResultList();
            if (!done.isEmpty()) {
                Job j = done.get(0);
                recordOutcome(j, o);
                return j;
            }
        }
        if (o.logLine() != null) {
            log.appendInCurrentTransaction(jobId, o.logLine());
        }
        Job j = em.find(Job.class, jobId, LockModeType.PESSIMISTIC_WRITE);
        if (o.worker() != null && j.state == JobState.RUNNING && !o.worker().equals(j.worker)) {
            log.appendInCurrentTransaction(jobId, "worker " + o.worker() + " finished after " + j.worker
                    + " took the job over to reconcile it: " + to
                    + (o.error() != null ? " (" + o.error() + ")" : o.result() != null ? " (" + o.result() + ")" : ""));
            return j;
        }
        if (!j.state.canBecome(to) || to == JobState.INTERRUPTED) {
            log.appendInCurrentTransaction(jobId, "worker finished after the job was marked " + j.state + ": " + to
                    + (o.error() != null ? " (" + o.error() + ")" : o.result() != null ? " (" + o.result() + ")" : ""));
            return j;
        }
        j.state = to;
        j.finishedAt = Instant.now();
        j.result = o.result();
        j.error = o.error();
        if (to == JobState.SUCCEEDED) {
            j.progress = 100;
        }
        recordOutcome(j, o);
        return j;
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
