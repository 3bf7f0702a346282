package io.strata.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Turns RUNNING jobs whose heartbeat went stale into INTERRUPTED and has their handlers reconcile
 * them. Any node may reap: the UPDATE of a stale row happens once, whoever gets there first, only
 * that node reconciles it, and no node reaps its own live jobs.
 */
@ApplicationScoped
public class JobReaper {

    private static final Logger LOG = Logger.getLogger(JobReaper.class);

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

    @Scheduled(every = "${strata.jobs.reaper-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reap() {
        if (!workers.isRunning()) {
            return;
        }
        List<Job> stale = transitions.interruptStale(Instant.now().minus(staleAfter), workers.nodeId());
        for (Job j : stale) {
            LOG.warnf("job %d (%s on %s) interrupted: %s", j.id, j.kind, j.auditTarget(), j.error);
            String finding;
            try {
                finding = handlers.of(j.kind).reconcile(new JobContext(j, () -> handlers.read(j), transitions, log));
            } catch (Exception e) {
                finding = "reconciliation failed: " + e.getMessage() + "; inspect the host by hand";
            }
            workers.fireFinished(new JobFinished(j.id, j.kind, JobState.INTERRUPTED, j.host, j.vm));
            transitions.recordReconciliation(j.id, finding);
        }
    }
}
