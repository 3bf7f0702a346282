package io.strata.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.kernel.Digests;

/**
 * What each job changed on its VM (table {@code job_change}, V10): the before and after readings of
 * {@link VmStateCapture}, the files created and removed, and the domain XML stored once per distinct
 * text ({@code domain_xml}, keyed by SHA-256). The record is canonical JSON; its SHA-256 is named in
 * the audit event of the job's outcome, so the audit chain binds it.
 */
@ApplicationScoped
public class JobChanges {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JobChanges.class);

    /** The stored record (field order fixed: it is hashed). */
    public record Change(long job, String kind, String host, String vm, VmStateCapture.State before,
                         VmStateCapture.State after, List<VmStateCapture.FileSize> filesCreated,
                         List<VmStateCapture.FileSize> filesRemoved) {
    }

    /** One line of the XML diff: {@code kind} is add, del, hunk or same. */
    public record DiffLine(String kind, String text) {
    }

    /** A job's change as the job page and {@code GET /api/jobs/{id}/change} show it. */
    @Schema(name = "JobChangeView")
    public record View(Change change, String digest, Long auditSeq, String xmlBefore, String xmlAfter,
                       List<DiffLine> xmlDiff) {
        public boolean xmlChanged() {
            return !java.util.Objects.equals(change.before().xml(), change.after().xml());
        }
    }

    @Inject
    EntityManager em;
    @Inject
    ObjectMapper json;
    @Inject
    VmStateCapture capture;

    /** The VM before the job's handler runs; null for read-only kinds or when it cannot be read (the job log says why). */
    VmStateCapture.Reading before(Job j, JobContext ctx) {
        if (!VmStateCapture.applies(j)) {
            return null;
        }
        try {
            return capture.read(j.host, VmStateCapture.vmOf(j));
        } catch (RuntimeException e) {
            ctx.log("could not read the VM before the job (no before/after kept): " + e.getMessage());
            return null;
        }
    }

    /**
     * A change record ready to be stored: written by the transaction that records the job's outcome
     * ({@link JobOutcomes#finishAll}), whose audit event names its digest (one commit, not two).
     */
    record Pending(long jobId, String host, String vm, String xmlBeforeDigest, String xmlBefore,
                   String xmlAfterDigest, String xmlAfter, String record, String digest) {
    }

    /** What {@link #after} found: the change to store (null when none), and the VM as read (null when not read). */
    record After(Pending change, ObservedVm vm) {
        String digest() {
            return change == null ? null : change.digest();
        }
    }

    /** Reads the VM after the handler ended and prepares its change record. */
    After after(Job j, JobContext ctx, VmStateCapture.Reading before) {
        if (before == null) {
            return new After(null, null);
        }
        VmStateCapture.Reading after;
        long t0 = System.nanoTime();
        try {
            after = capture.read(j.host, VmStateCapture.vmOf(j));
        } catch (RuntimeException e) {
            ctx.log("could not record what the job changed: " + e.getMessage());
            return new After(null, null);
        }
        long t1 = System.nanoTime();
        try {
            Pending change = record(j, before, after);
            LOG.debugf("job %d %s: read after %.1f ms, change record made %.1f ms", j.id, j.kind, (t1 - t0) / 1e6,
                    (System.nanoTime() - t1) / 1e6);
            return new After(change, after.observed());
        } catch (RuntimeException e) {
            ctx.log("could not record what the job changed: " + e.getMessage());
            return new After(null, after.observed());
        }
    }

    /** The change of a job as it will be stored, with the digest of its record. */
    Pending record(Job j, VmStateCapture.Reading before, VmStateCapture.Reading after) {
        Map<String, List<VmStateCapture.FileSize>> files = VmStateCapture.createdAndRemoved(before, after);
        Change c = new Change(j.id, j.kind.name(), j.host, VmStateCapture.vmOf(j), before.state(), after.state(), files.get("created"),
                files.get("removed"));
        String record;
        try {
            record = json.writeValueAsString(c);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Pending(j.id, j.host, VmStateCapture.vmOf(j), before.state().xml(), before.xmlText(), after.state().xml(),
                after.xmlText(), record, Digests.sha256Hex(record));
    }

    /**
     * Stores a change in the caller's transaction (the outcome's): one statement for the record and
     * the XML texts it names. The outcome's audit event, written as that transaction commits, names
     * the digest, and V16's trigger links the two.
     */
    void storeInCurrentTransaction(Pending p) {
        em.createNativeQuery("WITH xb AS (INSERT INTO domain_xml (sha256, xml) SELECT CAST(?4 AS text), CAST(?5 AS text)"
                + "   WHERE CAST(?5 AS text) IS NOT NULL ON CONFLICT DO NOTHING),"
                + " xa AS (INSERT INTO domain_xml (sha256, xml) SELECT CAST(?6 AS text), CAST(?7 AS text)"
                + "   WHERE CAST(?7 AS text) IS NOT NULL AND CAST(?6 AS text) IS DISTINCT FROM CAST(?4 AS text) ON CONFLICT DO NOTHING)"
                + " INSERT INTO job_change (job_id, host, vm, xml_before, xml_after, record, digest)"
                + " VALUES (?1, ?2, ?3, ?4, ?6, ?8, ?9) ON CONFLICT (job_id) DO NOTHING")
                .setParameter(1, p.jobId()).setParameter(2, p.host()).setParameter(3, p.vm())
                .setParameter(4, p.xmlBeforeDigest()).setParameter(5, p.xmlBefore())
                .setParameter(6, p.xmlAfterDigest()).setParameter(7, p.xmlAfter())
                .setParameter(8, p.record()).setParameter(9, p.digest()).executeUpdate();
    }

    public Optional<View> find(long jobId) {
        List<?> rows = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "SELECT c.record, c.digest, c.audit_seq, xb.xml, xa.xml FROM job_change c"
                + " LEFT JOIN domain_xml xb ON xb.sha256 = c.xml_before LEFT JOIN domain_xml xa ON xa.sha256 = c.xml_after"
                + " WHERE c.job_id = ?1").setParameter(1, jobId).getResultList());
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = (Object[]) rows.get(0);
        try {
            Change c = json.readValue((String) r[0], Change.class);
            String xb = (String) r[3];
            String xa = (String) r[4];
            return Optional.of(new View(c, (String) r[1], r[2] == null ? null : ((Number) r[2]).longValue(), xb, xa,
                    diff(xb, xa)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job " + jobId + " has an unreadable change record: " + e.getMessage(), e);
        }
    }

    /** One line saying what a job changed, by the audit event that names the change (for timelines). */
    public Map<Long, String> summariesByAuditEvent(java.util.Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return Map.of();
        }
        List<?> rows = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "SELECT audit_seq, record FROM job_change WHERE audit_seq = ANY(CAST(string_to_array(?1, ',') AS bigint[]))")
                .setParameter(1, String.join(",", seqs.stream().map(String::valueOf).toList())).getResultList());
        Map<Long, String> out = new java.util.HashMap<>();
        for (Object row : rows) {
            Object[] r = (Object[]) row;
            try {
                out.put(((Number) r[0]).longValue(), summary(json.readValue((String) r[1], Change.class)));
            } catch (JsonProcessingException e) {
                out.put(((Number) r[0]).longValue(), "unreadable change record");
            }
        }
        return out;
    }

    static String summary(Change c) {
        List<String> parts = new ArrayList<>();
        if (!java.util.Objects.equals(c.before().xml(), c.after().xml())) {
            parts.add(!c.before().exists() ? "VM defined" : !c.after().exists() ? "VM removed" : "domain XML changed");
        }
        List<String> sb = c.before().snapshots().stream().map(VmStateCapture.Snapshot::name).toList();
        List<String> sa = c.after().snapshots().stream().map(VmStateCapture.Snapshot::name).toList();
        if (!sb.equals(sa)) {
            parts.add("snapshots " + sb.size() + " → " + sa.size());
        }
        List<String> cb = c.before().disks().stream().map(d -> d.chain().size() + "").toList();
        List<String> ca = c.after().disks().stream().map(d -> d.chain().size() + "").toList();
        if (!chainFiles(c.before()).equals(chainFiles(c.after()))) {
            parts.add("chains " + String.join("/", cb) + " → " + String.join("/", ca) + " images");
        }
        if (!c.filesCreated().isEmpty()) {
            parts.add(c.filesCreated().size() + " file(s) created");
        }
        if (!c.filesRemoved().isEmpty()) {
            parts.add(c.filesRemoved().size() + " file(s) removed");
        }
        return parts.isEmpty() ? "nothing changed" : String.join(" · ", parts);
    }

    private static List<List<String>> chainFiles(VmStateCapture.State s) {
        return s.disks().stream().map(d -> d.chain().stream().map(VmStateCapture.Image::file).toList()).toList();
    }

    /** A unified line diff (3 lines of context) of two XML texts; an absent one counts as empty. */
    static List<DiffLine> diff(String before, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        List<String> unified = UnifiedDiffUtils.generateUnifiedDiff("before", "after", a, DiffUtils.diff(a, b), 3);
        List<DiffLine> out = new ArrayList<>();
        for (String l : unified.size() > 2 ? unified.subList(2, unified.size()) : List.<String>of()) {
            String kind = l.startsWith("@@") ? "hunk" : l.startsWith("+") ? "add" : l.startsWith("-") ? "del" : "same";
            out.add(new DiffLine(kind, l));
        }
        return out;
    }

    private static List<String> lines(String text) {
        return text == null ? List.of() : Arrays.asList(text.split("\n", -1));
    }
}
