package io.strata.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.strata.audit.AuditLog;

/**
 * RUNNING → SUCCEEDED | FAILED | CANCELLED: the statements that write workers' outcomes, each with
 * its audit event under the job's actor (the other transitions are {@link JobTransitions}). A job
 * that is no longer RUNNING (reaped as INTERRUPTED while its worker was too slow to heartbeat)
 * keeps that verdict; what the worker saw goes into its log.
 */
@ApplicationScoped
public class JobOutcomes {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EntityManager em;
    @Inject
    AuditLog audit;
    @Inject
    JobLog log;
    @Inject
    JobNotices notices;
    @Inject
    JobChanges changes;

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
        audit.record(JobTransitions.actorOf(j), j.kind.action, j.auditTarget(), j.id, JobTransitions.outcomeOf(o.state()), details);
    }


    /**
     * How a worker saw its job end, and the log line that says so (written with the state). With
     * the worker named, the outcome is written only while the job is still that worker's: a job
     * another node took over (its heartbeat stopped, e.g. while the database was away) is being
     * reconciled there, and its verdict wins.
     */
    record Ending(long jobId, JobState state, String result, String error, String logLine, String changeDigest, String worker,
                  JobChanges.Pending change) {

        Ending(long jobId, JobState state, String result, String error, String logLine, String changeDigest, String worker) {
            this(jobId, state, result, error, logLine, changeDigest, worker, null);
        }

        /** The same outcome without its change record (the database refused it), its log line saying why. */
        Ending withoutChange(String why) {
            return new Ending(jobId, state, result, error, logLine + " (what it changed could not be recorded: "
                    + (why == null ? "refused" : why.length() > 300 ? why.substring(0, 300) + "…" : why) + ")", null, worker, null);
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
        // What the jobs changed, in the transaction whose audit events (written at commit) name it:
        // one commit for both; after the jobs' rows are locked, as every statement that locks them.
        for (Ending o : inOrder) {
            if (o.change() != null) {
                changes.storeInCurrentTransaction(o.change());
            }
        }
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
                .setParameter(1, json(rows)).setParameter(2, Instant.now()).getResultList();
        Map<Long, Job> byId = new HashMap<>();
        done.forEach(j -> byId.put(j.id, j));
        return byId;
    }

    /** Rows for {@code jsonb_to_recordset}: a whole batch as one statement parameter. */
    static String json(List<Map<String, Object>> rows) {
        try {
            return JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
                    + " WHERE id = ?1 AND " + JobTransitions.from(to) + " AND state = 'RUNNING'"
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
}
