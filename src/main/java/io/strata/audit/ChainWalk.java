package io.strata.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.strata.audit.ChainVerification.Finding;
import io.strata.audit.ChainVerification.Kind;

/**
 * Walks audit events in sequence order and names what was done to them. Pure logic (no
 * database): {@link AuditVerifier} feeds it rows, tests feed it hand-made ones.
 *
 * An event is authentic when its seal matches its content (HMAC under the key of its epoch, or
 * the unkeyed SHA-256 before the chain was keyed) and it links to the authentic event before it.
 * A bad seal is held until the next event tells what happened: the next one links past it
 * (inserted), links to its stored seal with a good seal of its own (its content was changed), or
 * also has a bad seal linking to it (a run re-sealed by someone without the key).
 */
final class ChainWalk {

    static final int MAX_FINDINGS = 20;

    /** The seal an event should carry, or null when it cannot be computed (its key is lost: links only). */
    interface Sealer {
        String expectedSeal(AuditEvent e);
    }

    private final Sealer sealer;
    private final Map<Long, Anchor> anchors;
    private final List<Finding> findings = new ArrayList<>();
    private final List<AuditEvent> suspects = new ArrayList<>();
    /** The last authentic event; null before the first. */
    private AuditEvent good;
    /** The link the first event must carry, or null when unknown (a walk that starts at an anchor). */
    private final String firstPrev;
    private long checked;
    private long last = -1;

    ChainWalk(Sealer sealer, Map<Long, Anchor> anchors, String firstPrev) {
        this.sealer = sealer;
        this.anchors = anchors;
        this.firstPrev = firstPrev;
    }

    void accept(AuditEvent e) {
        last = e.seq;
        boolean sealOk = sealOk(e);
        if (suspects.isEmpty()) {
            if (sealOk) {
                if (!linksToGood(e)) {
                    deleted(e);
                }
                authentic(e);
            } else {
                suspects.add(e);
            }
            return;
        }
        AuditEvent lastSuspect = suspects.get(suspects.size() - 1);
        if (sealOk && linksToGood(e)) {
            // e links past the suspects to the authentic event before them: they were slipped in.
            AuditEvent first = suspects.get(0);
            add(Kind.INSERTED, first.seq, lastSuspect.seq, (suspects.size() == 1 ? "event " + first.seq + " was"
                    : "events " + first.seq + ".." + lastSuspect.seq + " were") + " inserted: not sealed with the key, and event "
                    + e.seq + " links past " + (suspects.size() == 1 ? "it" : "them") + " to event " + (good == null ? "-" : good.seq));
            suspects.clear();
            authentic(e);
        } else if (e.prevHash.equals(lastSuspect.hash)) {
            if (sealOk) {
                closeSuspects(true);
                authentic(e);
            } else {
                suspects.add(e);
            }
        } else {
            closeSuspects(false);
            if (sealOk) {
                deleted(e);
                authentic(e);
            } else {
                suspects.add(e);
            }
        }
    }

    /** Ends the walk; returns the findings in order. */
    List<Finding> finish() {
        if (suspects.size() == 1 && !anchors.isEmpty()
                && suspects.get(0).seq > anchors.keySet().stream().mapToLong(Long::longValue).max().orElse(-1)
                && suspects.get(0).prevHash.equals(good == null ? firstPrev : good.hash)) {
            // The newest event, after the latest anchor, links to the head but was not sealed with the key.
            AuditEvent e = suspects.get(0);
            add(Kind.INSERTED, e.seq, e.seq, "event " + e.seq + " (the newest, after the latest anchor at event "
                    + anchors.keySet().stream().mapToLong(Long::longValue).max().getAsLong() + ") was added without the key: "
                    + unkeyedHint(e, "its seal does not match its content"));
            suspects.clear();
        }
        if (!suspects.isEmpty()) {
            closeSuspects(false);
        }
        return findings;
    }

    long checked() {
        return checked;
    }

    /** The last event seen (authentic or not), -1 when none. */
    long lastSeq() {
        return last;
    }

    /** The last authentic event. */
    AuditEvent lastGood() {
        return good;
    }

    void add(Kind kind, Long from, Long to, String message) {
        if (findings.size() < MAX_FINDINGS) {
            findings.add(new Finding(kind, from, to, message));
        }
    }

    private void closeSuspects(boolean nextLinksToLast) {
        AuditEvent first = suspects.get(0);
        AuditEvent lastSuspect = suspects.get(suspects.size() - 1);
        Anchor anchored = anchors.get(first.seq);
        if (suspects.size() == 1 && anchored != null && !anchored.seal().equals(first.hash)) {
            add(Kind.REHASHED, first.seq, first.seq, "event " + first.seq + ", anchored at " + anchored.at()
                    + ", was rewritten and re-sealed without the key (its seal is not the anchored one and does not match "
                    + "its content)");
        } else if (suspects.size() == 1) {
            String how = nextLinksToLast ? "its content no longer matches its seal, which the next event still links to"
                    : unkeyedHint(first, "its seal does not match its content");
            add(Kind.CHANGED, first.seq, first.seq, "event " + first.seq + " was changed after it was written (" + how + ")");
        } else {
            add(Kind.REHASHED, first.seq, lastSuspect.seq, "events " + first.seq + ".." + lastSuspect.seq
                    + " were rewritten and re-sealed without the key (" + unkeyedHint(first, "each links to the one before, "
                    + "but none carries a seal made with the key") + ")");
        }
        if (!first.prevHash.equals(good == null ? firstPrev : good.hash) && good != null) {
            add(Kind.DELETED, good.seq + 1, first.seq - 1, "events after " + good.seq + " and before " + first.seq
                    + " are missing: event " + first.seq + " links to a seal no row has");
        }
        // The chain goes on from the last suspect's stored seal, so one finding is not repeated for every event after it.
        good = lastSuspect;
        suspects.clear();
    }

    private String unkeyedHint(AuditEvent e, String otherwise) {
        return AuditChain.hash(e).equals(e.hash) ? "its seal is the plain SHA-256 of its content: re-hashed without the key"
                : otherwise;
    }

    private void deleted(AuditEvent e) {
        if (good == null) {
            add(Kind.DELETED, null, e.seq - 1, "event " + e.seq + " does not link to the start of the walk: events before it are missing");
        } else {
            add(Kind.DELETED, good.seq + 1, e.seq - 1, "events after " + good.seq + " and before " + e.seq
                    + " are missing (deleted): event " + e.seq + " links to a seal no row has");
        }
    }

    private boolean linksToGood(AuditEvent e) {
        String expected = good == null ? firstPrev : good.hash;
        return expected == null || expected.equals(e.prevHash);
    }

    private boolean sealOk(AuditEvent e) {
        String expected = sealer.expectedSeal(e);
        return expected == null || expected.equals(e.hash);
    }

    private void authentic(AuditEvent e) {
        Anchor a = anchors.get(e.seq);
        if (a != null && !a.seal().equals(e.hash)) {
            add(Kind.RESTORED, e.seq, e.seq, "event " + e.seq + " is not the event anchored at " + a.at() + " (anchored seal "
                    + a.seal().substring(0, 12) + "…, now " + e.hash.substring(0, 12) + "…) although its seal is valid: "
                    + "the table was replaced by an older copy (restored from a dump) and written to since");
        }
        good = e;
        checked++;
    }
}
