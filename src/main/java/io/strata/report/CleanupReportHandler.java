package io.strata.report;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.job.JobContext;
import io.strata.job.JobHandler;
import io.strata.job.JobKind;

/**
 * CLEANUP_REPORT: reads every host, writes the seven sections as items, compares with the previous
 * report, mails owners and admins, and drops reports past their keep time. Nothing is changed on
 * any host: fixes are separate jobs a person asks for.
 */
@ApplicationScoped
public class CleanupReportHandler implements JobHandler {

    @Inject
    HostInventory inventory;
    @Inject
    OrphanScan orphans;
    @Inject
    ReportSections sections;
    @Inject
    PolicySection policy;
    @Inject
    ReportItems items;
    @Inject
    ReportMail mail;
    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "strata.reports.keep-days", defaultValue = "90")
    int keepDays;

    @Override
    public JobKind kind() {
        return JobKind.CLEANUP_REPORT;
    }

    @Override
    public Class<ReportPayloads.Cleanup> payloadType() {
        return ReportPayloads.Cleanup.class;
    }

    @Override
    public String run(JobContext ctx) throws Exception {
        long t0 = System.nanoTime();
        Instant now = Instant.now();
        CleanupReport report = start(ctx, now);
        try {
            ctx.progress(5, "reading hosts, domains, snapshots, templates and jobs");
            HostInventory.Inventory inv = inventory.read(ctx.jobId());
            ctx.log("read " + inv.domains().size() + " domains, " + inv.templates().size() + " templates, "
                    + inv.directoryHost().size() + " directories");
            inv.problems().forEach(ctx::log);
            Map<String, Object> summary = new LinkedHashMap<>();
            OrphanScan.Counts counts;
            try (ReportItems.Writer w = items.writer(report.id)) {
                ctx.progress(20, "section 1: snapshots over the policy");
                Map<String, Long> flagged = policy.write(inv, now, w::add);
                ctx.progress(30, "section 2: partly merged snapshots and broken chains");
                sections.chains(inv, w::add);
                ctx.progress(40, "section 3: orphan image files");
                counts = orphans.scan(inv, f -> w.add(ReportSections.orphanItem(f)), ctx::checkCancelled);
                ctx.log("looked at " + counts.files() + " files, " + counts.images() + " image files; "
                        + counts.orphans() + " orphans");
                ctx.progress(80, "sections 4 to 6");
                sections.idleTemplates(inv, now, w::add);
                sections.failedJobs(inv, report.since, w::add);
                sections.space(inv, flagged, w::add);
            }
            if (report.previousId != null) {
                ctx.progress(90, "section 7: changes since report " + report.previousId);
                items.writeChanges(report.id, report.previousId);
            }
            long[] n = items.counts(report.id, null);
            for (int s = 1; s <= 7; s++) {
                summary.put(ReportItem.SECTION_TITLES[s], n[s]);
            }
            summary.put("files", counts.files());
            summary.put("imageFiles", counts.images());
            summary.put("domains", inv.domains().size());
            summary.put("problems", inv.problems());
            summary.put("millis", (System.nanoTime() - t0) / 1_000_000);
            finish(report.id, "DONE", json.writeValueAsString(summary));
            ctx.progress(95, "mail");
            String mailed = mail.send(report.id);
            setMailStatus(report.id, mailed);
            ctx.log(mailed);
            purge(ctx);
            return "report " + report.id + ": " + n[3] + " orphan files, " + n[1] + " snapshots over the policy, "
                    + n[2] + " chain problems; " + mailed;
        } catch (RuntimeException e) {
            finish(report.id, "FAILED", null);
            throw e;
        }
    }

    private CleanupReport start(JobContext ctx, Instant now) {
        String trigger = ctx.payload(ReportPayloads.Cleanup.class).trigger();
        return QuarkusTransaction.requiringNew().call(() -> {
            CleanupReport previous = CleanupReport.<CleanupReport>find("state = 'DONE' order by id desc").firstResult();
            CleanupReport r = new CleanupReport();
            r.jobId = ctx.jobId();
            r.trigger = trigger;
            r.requestedBy = ctx.actor();
            r.state = "RUNNING";
            r.previousId = previous == null ? null : previous.id;
            r.since = previous == null ? now.minus(Duration.ofDays(1)) : previous.createdAt;
            r.createdAt = now;
            r.persist();
            return r;
        });
    }

    private static void finish(long id, String state, String summary) {
        QuarkusTransaction.requiringNew().run(() -> {
            CleanupReport r = CleanupReport.findById(id);
            r.state = state;
            r.finishedAt = Instant.now();
            r.summary = summary;
        });
    }

    private static void setMailStatus(long id, String status) {
        QuarkusTransaction.requiringNew().run(() -> {
            CleanupReport r = CleanupReport.findById(id);
            r.mailStatus = status;
        });
    }

    /** Reports older than strata.reports.keep-days go, with their items. */
    private void purge(JobContext ctx) {
        Instant cutoff = Instant.now().minus(Duration.ofDays(keepDays));
        long n = QuarkusTransaction.requiringNew().call(() -> {
            // a kept report may name a removed one as its previous: that link is cleared by the foreign key
            return CleanupReport.delete("createdAt < ?1", cutoff);
        });
        if (n > 0) {
            ctx.log("removed " + n + " report(s) older than " + keepDays + " days");
        }
    }

    @Override
    public String reconcile(JobContext ctx) {
        long n = QuarkusTransaction.requiringNew().call(() -> CleanupReport.update(
                "state = 'FAILED', finishedAt = ?1 where jobId = ?2 and state = 'RUNNING'", Instant.now(), ctx.jobId()));
        return n == 0 ? "no report was being written" : "the report being written was marked FAILED (incomplete); nothing on"
                + " any host was changed";
    }
}
