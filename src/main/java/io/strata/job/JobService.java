package io.strata.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.exception.ConstraintViolationException;


import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.kernel.Caller;

/**
 * The job table: enqueue (job row + audit event in one transaction), claim, progress, finish,
 * cancel. Every method is one short transaction; no transaction is held while libvirt works.
 */
@ApplicationScoped
public class JobService {

    private static final int MAX_LOG_LINE = 2000;

    @Inject
    EntityManager em;
    @Inject
    AuditLog audit;
    @Inject
    JobHandlers handlers;
    @Inject
    JobSignal signal;

    /**
     * Writes the job and its ACCEPTED audit event in one transaction. When the VM already has an
     * active job the database refuses the row; the refusal is audited and {@link JobConflict} thrown.
     */
    public Job enqueue(Caller caller, JobRequest req) {
        try {
            Job job = QuarkusTransaction.requiringNew().call(() -> {
                Job j = newJob(caller, req);
                j.persist();
                em.flush(); // hit the one-active-job-per-VM index now, before the audit lock
                audit.record(caller, req.kind().action, j.auditTarget(), j.id, Outcome.ACCEPTED, req.auditDetails());
                return j;
            });
            signal.poke();
            return job;
        } catch (RuntimeException e) {
            if (isActiveJobConflict(e)) {
                Long active = activeJobFor(req.host(), req.vm()).map(j -> j.id).orElse(null);
                String msg = "VM " + req.vm() + " already has an active job"
                        + (active == null ? "" : " (job " + active + ")") + "; wait for it to finish or cancel it";
                String target = req.host() + "/" + req.vm() + (req.target() == null ? "" : "/" + req.target());
                audit.recordAlone(caller, req.kind().action, target, active, Outcome.REFUSED, msg);
                throw new JobConflict(msg, active);
            }
            throw e;
        }
    }

    /**
     * Queues many jobs in one transaction (a provisioning batch): all or none. A VM among them
     * that got an active job meanwhile makes the whole set fail with {@link JobConflict}.
     */
    public List<Job> enqueueAll(Caller caller, List<JobRequest> requests) {
        try {
            List<Job> out = QuarkusTransaction.requiringNew().call(() -> {
                List<Job> js = new java.util.ArrayList<>();
                for (JobRequest req : requests) {
                    Job j = newJob(caller, req);
                    j.persist();
                    js.add(j);
                }
                em.flush();
                for (int i = 0; i < js.size(); i++) {
                    audit.record(caller, requests.get(i).kind().action, js.get(i).auditTarget(), js.get(i).id,
                            Outcome.ACCEPTED, requests.get(i).auditDetails());
                }
                return js;
            });
            signal.poke();
            return out;
        } catch (RuntimeException e) {
            if (isActiveJobConflict(e)) {
                String msg = "one of the VMs got an active job meanwhile; nothing was queued";
                JobRequest first = requests.get(0);
                audit.recordAlone(caller, first.kind().action, first.host() + "/" + first.vm(), null, Outcome.REFUSED, msg);
                throw new JobConflict(msg, null);
            }
            throw e;
        }
    }

    private Job newJob(Caller caller, JobRequest req) {
        Job j = new Job();
        j.kind = req.kind();
        j.state = JobState.QUEUED;
        j.host = req.host();
        j.vm = req.vm();
        j.target = req.target();
        j.payload = handlers.write(req.kind(), req.payload());
        j.payloadVersion = handlers.version(req.kind());
        j.actor = caller.name();
        j.actorRoles = caller.rolesText();
        j.sourceAddress = caller.source();
        j.createdAt = Instant.now();
        j.batchId = req.batchId();
        return j;
    }

    private static boolean isActiveJobConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException cve
                    && "job_one_active_per_vm".equals(cve.getConstraintName())) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("job_one_active_per_vm")) {
                return true;
            }
        }
        return false;
    }

    @Transactional
    public Optional<Job> activeJobFor(String host, String vm) {
        return Job.<Job>find("host = ?1 and vm = ?2 and state in ?3", host, vm, JobState.ACTIVE).firstResultOptional();
    }

    @Transactional
    public Optional<Job> find(long id) {
        return Optional.ofNullable(Job.findById(id));
    }

    @Transactional
    public List<JobLogLine> logOf(long id) {
        return JobLogLine.<JobLogLine>find("jobId = ?1 order by id", id).list();
    }

    /** Takes the oldest queued job whose host is under its limit; SKIP LOCKED lets nodes race safely. */
    @Transactional
    public Optional<Long> claim(String worker, int perHostLimit) {
        @SuppressWarnings("unchecked")
        List<Number> ids = em.createNativeQuery("""
                UPDATE job SET state = 'RUNNING', worker = ?1, heartbeat_at = now(),
                       started_at = coalesce(started_at, now()), attempts = attempts + 1
                WHERE id = (SELECT j.id FROM job j
                            WHERE j.state = 'QUEUED' AND NOT j.cancel_requested
                              AND (SELECT count(*) FROM job r WHERE r.state = 'RUNNING' AND r.host = j.host) < ?2
                            ORDER BY j.id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id""").setParameter(1, worker).setParameter(2, perHostLimit).getResultList();
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(0).longValue());
    }

    /**
     * Log lines and progress are written without waiting for the WAL flush: a crash may lose the
     * last few milliseconds of them, never a state change, and a job writes many of them.
     */
    private void relaxedCommit() {
        em.createNativeQuery("SET LOCAL synchronous_commit TO OFF").executeUpdate();
    }

    @Transactional
    public void log(long jobId, String line) {
        relaxedCommit();
        JobLogLine l = new JobLogLine();
        l.jobId = jobId;
        l.at = Instant.now();
        l.line = line.length() <= MAX_LOG_LINE ? line : line.substring(0, MAX_LOG_LINE) + "…";
        l.persist();
    }

    @Transactional
    public void progress(long jobId, int percent, String text) {
        relaxedCommit();
        em.createNativeQuery("UPDATE job SET progress = ?2, progress_text = ?3, heartbeat_at = now() WHERE id = ?1 AND state = 'RUNNING'")
                .setParameter(1, jobId).setParameter(2, Math.max(0, Math.min(100, percent))).setParameter(3, text)
                .executeUpdate();
    }

    @Transactional
    public boolean isCancelRequested(long jobId) {
        Object r = em.createNativeQuery("SELECT cancel_requested FROM job WHERE id = ?1").setParameter(1, jobId).getSingleResult();
        return Boolean.TRUE.equals(r);
    }

    /** Moves a RUNNING job to its final state and audits the outcome under the job's actor. */
    @Transactional
    public Job finish(long jobId, JobState state, String result, String error) {
        Job j = Job.findById(jobId);
        if (j.state != JobState.RUNNING) {
            // The reaper already declared it INTERRUPTED (we were too slow to heartbeat): keep that verdict,
            // but record what actually happened.
            log(jobId, "worker finished after the job was marked " + j.state + ": " + state
                    + (error != null ? " (" + error + ")" : result != null ? " (" + result + ")" : ""));
            return j;
        }
        j.state = state;
        j.finishedAt = Instant.now();
        j.result = result;
        j.error = error;
        if (state == JobState.SUCCEEDED) {
            j.progress = 100;
        }
        audit.record(actorOf(j), j.kind.action, j.auditTarget(), j.id, outcomeOf(state),
                error != null ? error : result);
        return j;
    }

    /**
     * Cancels a queued job at once; asks a running one to stop at its next check point.
     * Returns the job as it is after the request.
     */
    @Transactional
    public Job cancel(Caller caller, long jobId) {
        Job j = Job.findById(jobId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (j.state.isFinished()) {
            return j; // ended while the request was on its way; the caller reports that
        }
        if (j.state == JobState.QUEUED) {
            j.state = JobState.CANCELLED;
            j.finishedAt = Instant.now();
            j.error = "cancelled by " + caller.name() + " before it started";
            audit.record(caller, "job.cancel", j.auditTarget(), j.id, Outcome.SUCCESS, "cancelled while queued");
        } else {
            j.cancelRequested = true;
            audit.record(caller, "job.cancel", j.auditTarget(), j.id, Outcome.ACCEPTED,
                    "cancel requested while running; the job stops at its next check point");
        }
        return j;
    }

    /** Turns RUNNING jobs without a heartbeat since {@code staleBefore} into INTERRUPTED. */
    @Transactional
    public List<Job> interruptStale(Instant staleBefore) {
        // SKIP LOCKED: when two nodes reap at once, each stale job is interrupted (and audited) once.
        @SuppressWarnings("unchecked")
        List<Number> ids = em.createNativeQuery(
                "SELECT id FROM job WHERE state = 'RUNNING' AND heartbeat_at < ?1 ORDER BY id FOR UPDATE SKIP LOCKED")
                .setParameter(1, staleBefore).getResultList();
        List<Job> stale = new java.util.ArrayList<>();
        for (Number id : ids) {
            Job j = Job.findById(id.longValue());
            stale.add(j);
            j.state = JobState.INTERRUPTED;
            j.finishedAt = Instant.now();
            j.error = "worker " + j.worker + " stopped heartbeating (last at " + j.heartbeatAt
                    + "); the job's effect on the host is being reconciled";
            audit.record(Caller.SYSTEM, "job.interrupted", j.auditTarget(), j.id, Outcome.INTERRUPTED, j.error);
        }
        return stale;
    }

    @Transactional
    public void recordReconciliation(long jobId, String finding) {
        Job j = Job.findById(jobId);
        j.result = finding;
        log(jobId, "reconciled: " + finding);
        audit.record(Caller.SYSTEM, "job.reconciled", j.auditTarget(), j.id, Outcome.SUCCESS, finding);
    }

    @Transactional
    public int heartbeat(String worker) {
        return em.createNativeQuery("UPDATE job SET heartbeat_at = now() WHERE worker = ?1 AND state = 'RUNNING'")
                .setParameter(1, worker).executeUpdate();
    }

    static Caller actorOf(Job j) {
        return new Caller(j.actor, j.actorRoles == null || j.actorRoles.isEmpty() ? java.util.Set.of()
                : java.util.Set.of(j.actorRoles.split(",")), j.sourceAddress);
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
