package io.strata.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.strata.libvirt.BlockJobs;
import io.strata.libvirt.LibvirtFailure;

/**
 * Finds RUNNING jobs whose heartbeat went stale (their worker vanished), takes them over, has their
 * handlers reconcile them against the host while they still hold their VM, and ends them
 * INTERRUPTED with the finding. Any node may reap; each stale job is taken once; no node reaps a
 * job it is running itself.
 */
@ApplicationScoped
public class JobReaper {

    private static final Logger LOG = Logger.getLogger(JobReaper.class);
    private static final int RECORD_ATTEMPTS = 30;
    private static final long RECORD_RETRY_MILLIS = 1000;

    @ConfigProperty(name = "strata.jobs.stale-after", defaultValue = "PT30S")
    Duration staleAfter;

    @Inject
    JobWorkers workers;
    @Inject
    JobTransitions transitions;
    @Inject
    JobHandlers handlers;
    @Inject
    JobLog log;
    @Inject
    JobMetrics metrics;
    @Inject
    BlockJobs blockJobs;

    @Scheduled(every = "${strata.jobs.reaper-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reap() {
        if (!workers.isRunning()) {
            return;
        }
        List<Job> stale = transitions.takeOverStale(Instant.now().minus(staleAfter), workers.nodeId(),
                Set.copyOf(workers.liveHere()));
        for (Job j : stale) {
            LOG.warnf("job %d (%s on %s) taken over: %s", j.id, j.kind, j.auditTarget(), j.error);
            try {
                reconcile(j);
            } catch (RuntimeException e) {
                // One job's trouble must not leave the others unreconciled: this one is stale again
                // in a while (nobody heartbeats it) and is taken over anew.
                LOG.errorf(e, "job %d: reconciliation stopped", j.id);
            }
        }
    }

    private void reconcile(Job j) {
        // Reconciled while the job still holds its VM: nothing new starts on it meanwhile.
        workers.holding(j.id, () -> {
            String finding;
            try {
                // A block job the dead worker started goes on in QEMU: it is stopped before
                // anything is read, or the findings would describe a chain still changing.
                String aborted = abortBlockJobs(j);
                finding = aborted + handlers.of(j.kind).reconcile(new JobContext(j, () -> handlers.read(j), transitions, log, null));
            } catch (Exception e) {
                finding = "reconciliation failed: " + e.getMessage() + "; inspect the host by hand";
            }
            workers.fireFinished(new JobFinished(j.id, j.kind, JobState.INTERRUPTED, j.host, j.vm));
            if (recordFinding(j, finding)) {
                metrics.ended(j.kind, JobState.INTERRUPTED);
            }
        });
    }

    /**
     * Writes the finding (the job INTERRUPTED with it, or a log line when a late worker or another
     * node came first), retrying while the database is away: a reconcile aborts block jobs and reads
     * the host, and doing it again later could find something else. Still held meanwhile.
     */
    private boolean recordFinding(Job j, String finding) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transitions.interrupt(j.id, workers.nodeId(), finding);
            } catch (RuntimeException e) {
                if (attempt >= RECORD_ATTEMPTS || !workers.isRunning()) {
                    LOG.errorf("job %d: its reconciliation's finding could not be recorded (%s); it will be reaped"
                            + " again. The finding was: %s", j.id, e.getMessage(), finding);
                    return false;
                }
                try {
                    Thread.sleep(RECORD_RETRY_MILLIS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /** Aborts, without pivot, any block job left on the job's VM: the VM keeps the chain it had. */
    private String abortBlockJobs(Job j) {
        if (j.host == null || j.vm == null || !j.kind.changesDomains()) {
            return "";
        }
        try {
            StringBuilder out = new StringBuilder();
            for (String target : blockJobs.abortAll(j.host, j.vm)) {
                out.append(target).append(": its block job was aborted (no pivot); ");
            }
            return out.toString();
        } catch (LibvirtFailure e) {
            if (e.kind() == LibvirtFailure.Kind.NOT_FOUND) {
                return ""; // no such domain (any more): no block job either
            }
            throw e;
        }
    }
}
