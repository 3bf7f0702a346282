package io.strata.report;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.audit.Refusals;
import io.strata.host.Host;
import io.strata.hygiene.Leases;
import io.strata.host.HostRegistry;
import io.strata.imagetool.ImageFiles;
import io.strata.job.Job;
import io.strata.job.JobKind;
import io.strata.job.JobQueue;
import io.strata.job.JobRequest;
import io.strata.kernel.Caller;
import io.strata.kernel.InputRules;
import io.strata.kernel.Roles;
import io.strata.snapshot.SnapshotService;

/**
 * Report requests shared by the API and the pages: run one now, list and read them (users see
 * their own items only), and the one-click fixes, each an ordinary job queued through the feature
 * that owns it (snapshot delete, lease, orphan delete).
 */
@ApplicationScoped
public class ReportService {

    @Inject
    JobQueue jobs;
    @Inject
    Refusals refusals;
    @Inject
    ReportItems items;
    @Inject
    SnapshotService snapshots;
    @Inject
    ImageFiles files;
    @Inject
    ReportMail mail;
    @Inject
    AuditLog audit;
    @Inject
    Leases leases;

    /** A report as a caller sees it: counts per section (index 1..7) of the items they may see. */
    public record ReportView(CleanupReport report, long[] counts, boolean filtered) {
    }

    public Job run(Caller c) {
        String action = JobKind.CLEANUP_REPORT.action;
        if (!c.actsOnAllVms()) {
            throw refusals.refuse(c, action, "reports", 403, "only operators and admins start a cleanup report");
        }
        return enqueue(c, "manual");
    }

    /** Queues a report; the cron's node does this as Strata itself. */
    Job enqueue(Caller c, String trigger) {
        return jobs.enqueue(c, new JobRequest(JobKind.CLEANUP_REPORT, HostRegistry.LOCAL, null, null,
                new ReportPayloads.Cleanup(trigger), trigger + " cleanup report"));
    }

    /** The owner whose items the caller sees, or null for everything (operators, auditors, admins). */
    static String ownerFilter(Caller c) {
        return c.seesAllVms() ? null : c.name();
    }

    public List<ReportView> list(Caller c) {
        List<CleanupReport> all = QuarkusTransaction.requiringNew().call(() ->
                CleanupReport.<CleanupReport>find("order by id desc").page(0, 200).list());
        String owner = ownerFilter(c);
        return all.stream().map(r -> new ReportView(r, items.counts(r.id, owner), owner != null)).toList();
    }

    public ReportView get(Caller c, long id) {
        CleanupReport r = QuarkusTransaction.requiringNew().call(() -> CleanupReport.<CleanupReport>findById(id));
        if (r == null) {
            throw refusals.refuse(c, "report.read", "report/" + id, 404, "no report " + id);
        }
        String owner = ownerFilter(c);
        return new ReportView(r, items.counts(id, owner), owner != null);
    }

    /** Up to {@code limit} items of one section that the caller may see. */
    public List<ReportItem> items(Caller c, long id, int section, int limit) {
        return items.list(id, ownerFilter(c), section, limit);
    }

    // ---------------------------------------------------------------- one-click fixes

    /** Merge (external) or delete (internal) a snapshot the report listed: the snapshot feature's delete job. */
    public Job deleteSnapshot(Caller c, long reportId, String key) {
        ReportItem item = item(c, reportId, key, "snapshot.delete");
        String snapshot = snapshotOf(c, item, "snapshot.delete");
        return snapshots.delete(c, item.host(), item.vm(), snapshot, null);
    }

    /** Extends the lease of a snapshot the report listed (the hygiene feature's lease, audited there). */
    public Leases.Lease extendLease(Caller c, long reportId, String key, Integer days, String reason) {
        ReportItem item = item(c, reportId, key, Leases.ACTION);
        return leases.extend(c, item.host(), item.vm(), snapshotOf(c, item, Leases.ACTION), days, reason);
    }

    /** Removes an orphan file the report listed (admins): an ORPHAN_DELETE job that checks again before removing. */
    public Job deleteOrphan(Caller c, long reportId, String path) {
        String action = JobKind.ORPHAN_DELETE.action;
        String target = "report/" + reportId + ":" + InputRules.printable(String.valueOf(path));
        if (!c.has(Roles.ADMIN)) {
            throw refusals.refuse(c, action, target, 403, "only admins delete orphan files");
        }
        if (path == null || !path.startsWith("/")) {
            throw refusals.refuse(c, action, target, 400, "an absolute path is needed");
        }
        ReportItem item = null;
        for (String host : hostsOf(reportId)) {
            item = items.find(reportId, "orphan:" + host + ":" + path);
            if (item != null) {
                break;
            }
        }
        if (item == null) {
            throw refusals.refuse(c, action, target, 404, "report " + reportId + " lists no orphan file " + path);
        }
        if (!files.inStorage(path)) {
            throw refusals.refuse(c, action, target, 400, path + " is outside the storage directories; Strata removes"
                    + " no file there");
        }
        return jobs.enqueue(c, new JobRequest(JobKind.ORPHAN_DELETE, item.host(), null, path,
                new ReportPayloads.OrphanDelete(path, reportId), "orphan listed by report " + reportId + ": " + item.get("why")));
    }

    private List<String> hostsOf(long reportId) {
        return QuarkusTransaction.requiringNew().call(() -> Host.<Host>listAll().stream().map(h -> h.name).toList());
    }

    /** The item, if the report holds it and the caller may see it (404 otherwise, audited). */
    ReportItem item(Caller c, long reportId, String key, String action) {
        ReportItem item = key == null ? null : items.find(reportId, key);
        String owner = ownerFilter(c);
        if (item == null || (owner != null && !owner.equals(item.owner()))) {
            throw refusals.refuse(c, action, "report/" + reportId + ":" + InputRules.printable(String.valueOf(key)), 404,
                    "report " + reportId + " has no item " + InputRules.printable(String.valueOf(key)));
        }
        return item;
    }

    /** The snapshot an item of section 1 or 2 is about. */
    String snapshotOf(Caller c, ReportItem item, String action) {
        Object s = item.get("snapshot");
        if (s == null || item.vm() == null) {
            throw refusals.refuse(c, action, "report:" + item.key(), 400, "item " + item.key() + " is not about a snapshot");
        }
        return s.toString();
    }

    public Map<String, Object> mailSettings(Caller c) {
        Object[] row = mail.settings(c.name()).orElse(new Object[] { null, Boolean.TRUE });
        return Map.of("email", row[0] == null ? "" : row[0], "enabled", row[1], "mailConfigured", mail.configured());
    }

    public void saveMailSettings(Caller c, String email, Boolean enabled) {
        String target = "user/" + c.name();
        String e = email == null || email.isBlank() ? null : email.strip();
        if (e != null && (e.length() > 254 || !e.matches("[^@\\s<>\"\\p{Cntrl}]+@[^@\\s<>\"\\p{Cntrl}]+"))) {
            throw refusals.refuse(c, "report.mail-settings", target, 400, "not a mail address: " + InputRules.printable(e));
        }
        boolean on = enabled == null || enabled;
        mail.saveSettings(c.name(), e, on);
        audit.recordAlone(c, "report.mail-settings", target, null, Outcome.SUCCESS,
                (on ? "report mail on" : "report mail off") + (e == null ? ", no address" : ", to " + e));
    }

}
