package io.strata.report;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import io.strata.job.Job;
import io.strata.job.JobWorkers;
import io.strata.kernel.Caller;

/**
 * The cleanup report's cron ({@code strata.reports.cleanup.cron}, default daily 06:00; {@code off}
 * disables it). It fires on every node; each node tries to insert the fire time's row, and only
 * the one whose insert went in queues the report, so a cluster makes one report per fire time.
 */
@ApplicationScoped
public class ReportSchedule {

    private static final Logger LOG = Logger.getLogger(ReportSchedule.class);

    @Inject
    EntityManager em;
    @Inject
    ReportService reports;
    @Inject
    JobWorkers workers;

    @Scheduled(identity = "cleanup-report", cron = "${strata.reports.cleanup.cron:0 0 6 * * ?}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void fire(ScheduledExecution execution) {
        Instant fireTime = execution.getScheduledFireTime().truncatedTo(ChronoUnit.SECONDS);
        if (!claim(fireTime)) {
            LOG.debugf("cleanup report of %s: another node queued it", fireTime);
            return;
        }
        Job job = reports.enqueue(Caller.SYSTEM, "cron");
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE cleanup_report_fire SET job_id = ?1 WHERE fire_time = ?2").setParameter(1, job.id)
                .setParameter(2, fireTime).executeUpdate());
        LOG.infof("cleanup report of %s queued as job %d", fireTime, job.id);
    }

    /** True for the one node whose row for this fire time went in. */
    boolean claim(Instant fireTime) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "INSERT INTO cleanup_report_fire (fire_time, node) VALUES (?1, ?2) ON CONFLICT (fire_time) DO NOTHING")
                .setParameter(1, fireTime).setParameter(2, workers.nodeId()).executeUpdate() == 1);
    }
}
