package io.strata.review;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.strata.audit.AuditEvent;
import io.strata.audit.AuditQuery;
import io.strata.audit.Outcome;
import io.strata.audit.Refusals;
import io.strata.job.Job;
import io.strata.job.JobChanges;
import io.strata.job.JobQueries;
import io.strata.kernel.Caller;
import io.strata.kernel.Roles;
import io.strata.vm.VmAccess;

/**
 * Timelines: the audit events of one VM (or of one user's actions), newest first, each with the job
 * it belongs to (kind, state now) and, for a job's outcome, what the job changed. Keyset pages like
 * {@code /audit}. Who may read which: a VM's timeline whoever may see the VM (a user: their own VMs,
 * and only that VM's events); a user's timeline the user themselves, auditors and admins.
 */
@ApplicationScoped
public class Timelines {

    /** Outcomes shown as warnings. */
    private static final Set<Outcome> WARNINGS = Set.of(Outcome.FAILED, Outcome.DENIED, Outcome.REFUSED,
            Outcome.INTERRUPTED);

    /** One line of a timeline. {@code category}: warning, snapshot, owner, job or event. */
    @Schema(name = "TimelineEntry")
    public record Entry(long seq, Instant at, String actor, String action, String target, String outcome, String details,
                        Long jobId, String jobKind, String jobState, String category, String change) {
    }

    public record Timeline(String title, List<Entry> entries, Long nextBefore) {
    }

    @Inject
    AuditQuery audit;
    @Inject
    JobQueries jobs;
    @Inject
    JobChanges changes;
    @Inject
    VmAccess access;
    @Inject
    Refusals refusals;

    public Timeline ofVm(Caller c, String host, String vm, Long before, Integer limit) {
        if (c.seesAllVms()) {
            // Auditors review VMs that are gone too: only the host must be known.
            access.requireHost(c, host, "vm.timeline", host + "/" + vm);
        } else {
            access.forReading(c, host, vm, "vm.timeline");
        }
        AuditQuery.Page page = audit.search(c, new AuditQuery.Filter(null, host, vm, null, null, null, null, null,
                before, limit));
        return new Timeline("VM " + host + "/" + vm, entries(page.events()), page.nextBefore());
    }

    public Timeline ofUser(Caller c, String user, Long before, Integer limit) {
        if (!c.name().equals(user) && !c.has(Roles.AUDITOR) && !c.has(Roles.ADMIN)) {
            throw refusals.refuse(c, "user.timeline", "user/" + user, 403,
                    "only auditors and admins read other users' timelines");
        }
        AuditQuery.Page page = audit.search(c, new AuditQuery.Filter(user, null, null, null, null, null, null, null,
                before, limit));
        return new Timeline("User " + user, entries(page.events()), page.nextBefore());
    }

    private List<Entry> entries(List<AuditEvent> events) {
        Map<Long, Job> byId = jobs.byIds(events.stream().map(e -> e.jobId).filter(Objects::nonNull).distinct().toList());
        Map<Long, String> changed = changes.summariesByAuditEvent(events.stream().filter(e -> e.jobId != null)
                .map(e -> e.seq).toList());
        List<Entry> out = new ArrayList<>();
        for (AuditEvent e : events) {
            Job j = e.jobId == null ? null : byId.get(e.jobId);
            out.add(new Entry(e.seq, e.at, e.actor, e.action, e.target, e.outcome.name(), e.details, e.jobId,
                    j == null ? null : j.kind.name(), j == null ? null : j.state.name(), category(e), changed.get(e.seq)));
        }
        return out;
    }

    static String category(AuditEvent e) {
        if (WARNINGS.contains(e.outcome)) {
            return "warning";
        }
        if (e.action.startsWith("snapshot.")) {
            return "snapshot";
        }
        if (e.action.equals("vm.assign-owner")) {
            return "owner";
        }
        return e.jobId != null ? "job" : "event";
    }
}
