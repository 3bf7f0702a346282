package io.strata.job;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.exception.ConstraintViolationException;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.audit.Refusals;
import io.strata.kernel.Caller;

/**
 * The client side of the job table: what requests do. Enqueue writes the job and its ACCEPTED audit
 * event in one transaction and wakes this node's workers; cancel checks who may cancel. The worker
 * side (claim, heartbeat, finish, reap) is {@link JobWorkers} and {@link JobReaper}.
 */
@ApplicationScoped
public class JobQueue {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JobQueue.class);

    @Inject
    EntityManager em;
    @Inject
    AuditLog audit;
    @Inject
    Refusals refusals;
    @Inject
    JobHandlers handlers;
    @Inject
    JobTransitions transitions;
    @Inject
    JobQueries queries;
    @Inject
    JobSignal signal;
    @Inject
    JobNotices notices;

    /**
     * Queues one job. When the VM already has an active job the database refuses the row; the
     * refusal is audited and {@link JobConflict} thrown.
     */
    public Job enqueue(Caller caller, JobRequest req) {
        return enqueue(caller, req, null);
    }

    /**
     * Queues one job after {@code guard} passed inside the same transaction, under a lock of the
     * caller's own: a check that counts the caller's queued jobs (a quota) cannot be passed by two
     * requests at once, since the second one sees the first one's job. The guard throws to refuse.
     */
    public Job enqueue(Caller caller, JobRequest req, Runnable guard) {
        long t0 = System.nanoTime();
        try {
            Job job = QuarkusTransaction.requiringNew().call(() -> {
                guard(caller, guard);
                // The row is written now: the one-active-job-per-VM index refuses it here.
                Job j = transitions.queue(List.of(newJob(caller, req))).get(0);
                notices.queuedInCurrentTransaction();
                audit.record(caller, req.kind().action, j.auditTarget(), j.id, Outcome.ACCEPTED, req.auditDetails());
                return j;
            });
            signal.poke();
            LOG.debugf("job %d %s: queued (row, audit event, commit) in %.1f ms", (Object) job.id, req.kind(), (System.nanoTime() - t0) / 1e6);
            return job;
        } catch (RuntimeException e) {
            if (isActiveJobConflict(e)) {
                Long active = queries.activeJobFor(req.host(), req.vm()).map(j -> j.id).orElse(null);
                String msg = "VM " + req.vm() + " already has an active job"
                        + (active == null ? "" : " (job " + active + ")") + "; wait for it to finish or cancel it";
                String target = req.host() + "/" + req.vm() + (req.target() == null ? "" : "/" + req.target());
                audit.recordAlone(caller, req.kind().action, target, active, Outcome.REFUSED, msg);
                throw new JobConflict(msg, active, req.vm());
            }
            throw e;
        }
    }

    /**
     * Queues many jobs in one transaction (a provisioning batch): all or none. A VM among them that
     * got an active job meanwhile makes the whole set fail with {@link JobConflict}.
     */
    public List<Job> enqueueAll(Caller caller, List<JobRequest> requests) {
        return enqueueAll(caller, requests, null);
    }

    /** {@link #enqueueAll}, after {@code guard} passed under the caller's lock (see {@link #enqueue(Caller, JobRequest, Runnable)}). */
    public List<Job> enqueueAll(Caller caller, List<JobRequest> requests, Runnable guard) {
        try {
            List<Job> out = QuarkusTransaction.requiringNew().call(() -> {
                guard(caller, guard);
                List<Job> js = transitions.queue(requests.stream().map(req -> newJob(caller, req)).toList());
                notices.queuedInCurrentTransaction();
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

    /**
     * Cancels a job the caller may see: its requester (if they may still change VMs) or an operator.
     * A queued job ends at once; a running one stops at its next check point.
     */
    public Job cancel(Caller c, long id) {
        Job j = queries.get(c, id, "job.cancel");
        if (!c.actsOnAllVms() && !(c.mayChangeVms() && c.name().equals(j.actor))) {
            throw refusals.refuse(c, "job.cancel", j.auditTarget(), 403, "only the job's requester or an operator can cancel it")
                    .withKey("job_cancel_forbidden");
        }
        if (j.state.isFinished()) {
            throw refusals.refuse(c, "job.cancel", j.auditTarget(), 409, "job " + id + " already ended: " + j.state)
                    .withKey("job_ended", id, j.state);
        }
        Job after = transitions.cancel(c, j.id);
        if (after.state.isFinished() && after.state != JobState.CANCELLED) {
            throw refusals.refuse(c, "job.cancel", j.auditTarget(), 409, "job " + id + " already ended: " + after.state)
                    .withKey("job_ended", id, after.state);
        }
        return after;
    }

    /** Takes the caller's lock (held to commit) and runs the guard, if there is one. */
    private void guard(Caller caller, Runnable guard) {
        if (guard == null) {
            return;
        }
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))").setParameter(1, "caller/" + caller.name())
                .getSingleResult();
        guard.run();
    }

    /** The row as a request asks for it; its payload is checked against the kind's record here. */
    private Job newJob(Caller caller, JobRequest req) {
        Job j = new Job();
        j.kind = req.kind();
        j.host = req.host();
        j.vm = req.vm();
        j.target = req.target();
        j.payload = handlers.write(req.kind(), req.payload());
        j.payloadVersion = handlers.version(req.kind());
        j.actor = caller.name();
        j.actorRoles = caller.rolesText();
        j.sourceAddress = caller.source();
        j.batchId = req.batchId();
        return j;
    }

    private static boolean isActiveJobConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException cve && "job_one_active_per_vm".equals(cve.getConstraintName())) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("job_one_active_per_vm")) {
                return true;
            }
        }
        return false;
    }
}
