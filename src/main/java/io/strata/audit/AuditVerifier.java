package io.strata.audit;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;
import org.jboss.logging.Logger;

import io.strata.audit.ChainVerification.Finding;
import io.strata.audit.ChainVerification.Kind;

/**
 * Checks the audit table against its seals, its key and its anchors. {@link #sinceAnchor()} checks
 * the latest anchored event and what came after it (the page's check: a few rows at any log
 * size); {@link #full()} walks every event and compares every anchor (the auditor's check). An
 * intact result moves the anchor (when the head moved), so the next quick check starts there.
 */
@ApplicationScoped
public class AuditVerifier {

    private static final Logger LOG = Logger.getLogger(AuditVerifier.class);
    private static final long ANCHOR_LOCK = 0x5354524154414E43L;
    private static final String COLUMNS = "seq, at, actor, roles, source, action, target, job_id, outcome, details, prev_hash, hash";

    @Inject
    EntityManager em;
    @Inject
    AuditKeys keys;
    @Inject
    AuditAnchors anchors;

    /** The latest result of any check on this node (the health check reports it). */
    private volatile ChainVerification last;

    ChainVerification last() {
        return last;
    }

    @Transactional
    public ChainVerification full() {
        return full(true);
    }

    private ChainVerification full(boolean anchorIt) {
        long t0 = System.nanoTime();
        List<Finding> pre = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<AuditKeys.Epoch> epochs = preChecks(pre);
        AuditAnchors.All all;
        try {
            all = anchors.all(pre, keys.keyOrNull(), keys.fingerprint());
        } catch (IOException e) {
            pre.add(new Finding(Kind.ANCHOR_FORGED, null, null, "the anchor file " + anchors.file() + " cannot be read: " + e.getMessage()));
            all = new AuditAnchors.All(Map.of(), null, List.of());
        }
        for (Anchor f : all.forged()) {
            pre.add(new Finding(Kind.ANCHOR_FORGED, f.seq(), f.seq(), "the anchor line for event " + f.seq() + " of " + f.at()
                    + " was not written by Strata (its seal does not match)"));
        }
        keyTableCheck(all.latest(), epochs, pre);
        unheldKeyCheck(epochs, pre);
        ChainWalk walk = new ChainWalk(sealer(epochs, notes), all.bySeq(), AuditChain.GENESIS);
        stream("SELECT " + COLUMNS + " FROM audit_event ORDER BY seq", null, walk::accept);
        List<Finding> findings = new ArrayList<>(pre);
        findings.addAll(walk.finish());
        tailCheck(all.latest(), walk.lastSeq(), findings);
        if (all.latest() == null) {
            notes.add("no anchor yet: the chain was checked against itself only");
        }
        return conclude("full", walk, findings, all.latest(), epochs, notes, t0, anchorIt);
    }

    /** The quick check: the latest anchored event is still there, unchanged, and everything after it is sealed and linked. */
    @Transactional
    public ChainVerification sinceAnchor() {
        return sinceAnchor(false);
    }

    /** The scheduled check: like {@link #sinceAnchor()}, and when intact anchors the head if it moved. */
    @Transactional
    ChainVerification anchorTick() {
        return sinceAnchor(true);
    }

    private ChainVerification sinceAnchor(boolean anchorIt) {
        long t0 = System.nanoTime();
        List<Finding> pre = new ArrayList<>();
        Anchor anchor;
        try {
            anchor = anchors.latest(pre);
        } catch (IOException e) {
            pre.add(new Finding(Kind.ANCHOR_FORGED, null, null, "the anchor file " + anchors.file() + " cannot be read: " + e.getMessage()));
            anchor = null;
        }
        if (anchor == null && pre.isEmpty()) {
            return full(true); // nothing anchored yet: the one full walk sets the first anchor
        }
        List<String> notes = new ArrayList<>();
        List<AuditKeys.Epoch> epochs = preChecks(pre);
        byte[] key = keys.keyOrNull();
        if (anchor != null && key != null && anchor.keyFingerprint().equals(keys.fingerprint()) && !anchor.sealedWith(key)) {
            pre.add(new Finding(Kind.ANCHOR_FORGED, anchor.seq(), anchor.seq(), "the latest anchor line (event " + anchor.seq()
                    + ", " + anchor.at() + ") was not written by Strata (its seal does not match)"));
        }
        keyTableCheck(anchor, epochs, pre);
        unheldKeyCheck(epochs, pre);
        long from = anchor == null ? 0 : anchor.seq();
        ChainWalk walk = new ChainWalk(sealer(epochs, notes), anchor == null ? Map.of() : Map.of(anchor.seq(), anchor), null);
        FirstRow first = new FirstRow();
        stream("SELECT " + COLUMNS + " FROM audit_event WHERE seq >= ? ORDER BY seq", from, e -> {
            if (first.seq == null) {
                first.seq = e.seq;
            }
            walk.accept(e);
        });
        List<Finding> findings = new ArrayList<>(pre);
        if (anchor != null && first.seq != null && first.seq != anchor.seq()) {
            findings.add(new Finding(Kind.DELETED, anchor.seq(), first.seq - 1, "the anchored event " + anchor.seq() + " (anchored at "
                    + anchor.at() + ") is missing: deleted"));
        }
        findings.addAll(walk.finish());
        long last = walk.lastSeq() >= 0 ? walk.lastSeq()
                : ((Number) em.createNativeQuery("SELECT coalesce(max(seq), -1) FROM audit_event").getSingleResult()).longValue();
        tailCheck(anchor, last, findings);
        notes.add("checked the anchored event and the " + Math.max(0, walk.checked() - 1) + " after it; events before the anchor "
                + "were checked when they were anchored (the full walk checks them again)");
        return conclude("since-anchor", walk, findings, anchor, epochs, notes, t0, anchorIt);
    }

    private static final class FirstRow {
        Long seq;
    }

    /** The key file as it is, the triggers, and the key table. */
    private List<AuditKeys.Epoch> preChecks(List<Finding> out) {
        String keyProblem = keys.currentProblem();
        if (keyProblem != null) {
            out.add(new Finding(Kind.KEY_PROBLEM, null, null, keyProblem));
        }
        @SuppressWarnings("unchecked")
        List<Object[]> triggers = em.createNativeQuery("SELECT t.tgname, t.tgenabled FROM pg_trigger t "
                + "WHERE t.tgrelid = 'audit_event'::regclass AND NOT t.tgisinternal").getResultList();
        int enabled = 0;
        for (Object[] t : triggers) {
            String state = String.valueOf(t[1]);
            if (state.equals("O") || state.equals("A")) {
                enabled++;
            } else {
                out.add(new Finding(Kind.TRIGGER_DISABLED, null, null, "the trigger " + t[0] + " that keeps audit_event append-only is "
                        + (state.equals("D") ? "disabled" : "set to fire only for replicas") + ": the table can be changed"));
            }
        }
        if (triggers.size() < 2) {
            out.add(new Finding(Kind.TRIGGER_DISABLED, null, null, "a trigger that keeps audit_event append-only was dropped ("
                    + triggers.size() + " of 2 left)"));
        }
        return keys.epochs();
    }

    /** The anchors also record where the keyed chain begins: a key table moved to make keyed events "unkeyed" is seen. */
    private static void keyTableCheck(Anchor anchor, List<AuditKeys.Epoch> epochs, List<Finding> out) {
        if (anchor == null) {
            return;
        }
        long keyedFrom = epochs.isEmpty() ? -1 : epochs.get(0).firstSeq();
        if (keyedFrom != anchor.keyedFrom()) {
            out.add(new Finding(Kind.KEY_TABLE_CHANGED, null, null, "the key table says the chain is keyed from event " + keyedFrom
                    + ", the anchors say from event " + anchor.keyedFrom() + ": audit_key was changed"));
        }
    }

    /**
     * Events sealed with a key this node does not hold can only be checked for their links. That is
     * acceptable for keys older than the one it holds (lost and replaced, recorded); a key that comes
     * after the held one, or is the newest, means someone with INSERT on audit_key declared a key of
     * their own to append events nobody can check: a finding, not a note.
     */
    private void unheldKeyCheck(List<AuditKeys.Epoch> epochs, List<Finding> out) {
        boolean heldBefore = false;
        for (int i = 0; i < epochs.size(); i++) {
            boolean held = keys.keyFor(epochs.get(i)) != null;
            if (!held && (heldBefore || i == epochs.size() - 1)) {
                out.add(new Finding(Kind.KEY_TABLE_CHANGED, epochs.get(i).firstSeq(), null, "events from " + epochs.get(i).firstSeq()
                        + " claim key " + epochs.get(i).fingerprint() + ", which this node does not hold"
                        + (heldBefore ? ", after a key it holds" : " and which is the newest")
                        + ": audit_key was written outside Strata, or the key file is not this cluster's"));
            }
            heldBefore |= held;
        }
    }

    /** The anchored head must still be there: a table that ends before it lost its tail, or is an older copy. */
    private void tailCheck(Anchor anchor, long lastSeq, List<Finding> findings) {
        if (anchor == null || lastSeq >= anchor.seq()) {
            return;
        }
        long sequence = ((Number) em.createNativeQuery("SELECT last_value FROM audit_event_seq").getSingleResult()).longValue();
        String ends = lastSeq < 0 ? "the table is empty" : "the table ends at event " + lastSeq;
        if (sequence >= anchor.seq()) {
            findings.add(new Finding(Kind.TAIL_DELETED, lastSeq + 1, anchor.seq(), "events " + (lastSeq + 1) + ".." + anchor.seq()
                    + " are gone: " + ends + " but event " + anchor.seq() + " was anchored at " + anchor.at()
                    + " (the newest events were deleted; the event sequence had already passed them)"));
        } else {
            findings.add(new Finding(Kind.RESTORED, lastSeq + 1, anchor.seq(), ends + " and its sequence stands at " + sequence
                    + ", behind event " + anchor.seq() + " anchored at " + anchor.at()
                    + ": the table was restored from an older dump (events " + (lastSeq + 1) + ".." + anchor.seq() + " are lost)"));
        }
    }

    private ChainWalk.Sealer sealer(List<AuditKeys.Epoch> epochs, List<String> notes) {
        long[] starts = epochs.stream().mapToLong(AuditKeys.Epoch::firstSeq).toArray();
        byte[][] epochKeys = new byte[starts.length][];
        for (int i = 0; i < starts.length; i++) {
            epochKeys[i] = keys.keyFor(epochs.get(i));
            if (epochKeys[i] == null) {
                notes.add("events sealed with key " + epochs.get(i).fingerprint() + " (from event " + starts[i]
                        + ") are checked for their links only: this node does not hold that key");
            }
        }
        if (starts.length > 0 && starts[0] > 1) {
            notes.add("events before " + starts[0] + " were written before the chain was keyed: they carry a plain SHA-256, "
                    + "and the first keyed event seals the last of them");
        }
        return e -> {
            int i = starts.length - 1;
            while (i >= 0 && starts[i] > e.seq) {
                i--;
            }
            if (i < 0) {
                return AuditChain.hash(e);
            }
            return epochKeys[i] == null ? null : AuditChain.mac(epochKeys[i], e);
        };
    }

    interface RowSink {
        void accept(AuditEvent e);
    }

    /** Streams rows with a server-side cursor (the transaction keeps autocommit off), so memory does not grow with the log. */
    private void stream(String sql, Long from, RowSink sink) {
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setFetchSize(5000);
                if (from != null) {
                    s.setLong(1, from);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(row(r));
                    }
                }
            }
        });
    }

    private static AuditEvent row(ResultSet r) throws SQLException {
        AuditEvent e = new AuditEvent();
        e.seq = r.getLong(1);
        e.at = r.getObject(2, OffsetDateTime.class).toInstant();
        e.actor = r.getString(3);
        e.roles = r.getString(4);
        e.source = r.getString(5);
        e.action = r.getString(6);
        e.target = r.getString(7);
        long job = r.getLong(8);
        e.jobId = r.wasNull() ? null : job;
        try {
            e.outcome = Outcome.valueOf(r.getString(9));
        } catch (IllegalArgumentException | NullPointerException notOurs) {
            e.outcome = null; // cannot match any seal
        }
        e.details = r.getString(10);
        e.prevHash = r.getString(11);
        e.hash = r.getString(12);
        return e;
    }

    private ChainVerification conclude(String scope, ChainWalk walk, List<Finding> findings, Anchor anchor,
            List<AuditKeys.Epoch> epochs, List<String> notes, long t0, boolean anchorIt) {
        AuditEvent head = walk.lastGood();
        if (anchorIt && findings.isEmpty() && head != null && keys.keyOrNull() != null
                && (anchor == null || head.seq != anchor.seq())) {
            anchorHead(head, epochs, notes);
        }
        ChainVerification v = ChainVerification.of(scope, walk.checked(), findings, walk.lastSeq() < 0 ? null : walk.lastSeq(),
                anchor, epochs.isEmpty() ? null : epochs.get(0).firstSeq(), notes, (System.nanoTime() - t0) / 1_000_000);
        if (!v.intact()) {
            LOG.error("AUDIT CHAIN NOT INTACT (" + scope + "): " + v.problem());
        }
        last = v;
        return v;
    }

    /** Writes the verified head to the anchor file; one node at a time (a transaction-scoped advisory lock). */
    private void anchorHead(AuditEvent head, List<AuditKeys.Epoch> epochs, List<String> notes) {
        boolean mine = (Boolean) em.createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)").setParameter(1, ANCHOR_LOCK)
                .getSingleResult();
        if (!mine) {
            return;
        }
        try {
            anchors.append(Anchor.sealed(keys.keyOrNull(), AuditAnchors.now(), head.seq, head.hash, keys.fingerprint(),
                    epochs.isEmpty() ? -1 : epochs.get(0).firstSeq()));
        } catch (IOException e) {
            notes.add("the anchor could not be written to " + anchors.file() + ": " + e.getMessage());
            LOG.error("audit anchor not written to " + anchors.file(), e);
        }
    }
}
