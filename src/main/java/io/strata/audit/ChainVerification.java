package io.strata.audit;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The result of checking the audit chain. {@code scope} is {@code full} (every event from the
 * first) or {@code since-anchor} (the latest anchor's event and everything after it).
 * {@code brokenAtSeq} and {@code problem} name the first finding; {@code findings} lists them all
 * (at most {@value ChainWalk#MAX_FINDINGS}).
 */
public record ChainVerification(boolean intact, String scope, long eventsChecked, Long brokenAtSeq, String problem,
        List<Finding> findings, Long headSeq, Long anchoredSeq, String anchoredAt, Long keyedFromSeq, List<String> notes,
        long millis) {

    /** What verify found, named: the kind says what happened to the table. */
    public record Finding(Kind kind, Long fromSeq, Long toSeq, String message) {
    }

    @Schema(name = "FindingKind")
    public enum Kind {
        /** One event's content no longer matches its seal. */
        CHANGED,
        /** A run of events re-sealed without the key, each linking to the one before. */
        REHASHED,
        /** An event not written by Strata: the next one links past it. */
        INSERTED,
        /** Events missing between two authentic ones. */
        DELETED,
        /** The newest events, anchored outside the database, are gone; the event sequence had passed them. */
        TAIL_DELETED,
        /** The table is an older copy: behind its anchors with the sequence set back, or its anchored events replaced. */
        RESTORED,
        /** An anchor line that Strata did not write, or an anchor file that shrank. */
        ANCHOR_FORGED,
        /** The key table in the database disagrees with the anchors. */
        KEY_TABLE_CHANGED,
        /** The key file is missing, unreadable or holds another key. */
        KEY_PROBLEM,
        /** A trigger that keeps the audit table append-only is disabled. */
        TRIGGER_DISABLED
    }

    static ChainVerification of(String scope, long checked, List<Finding> findings, Long head, Anchor anchor,
            Long keyedFrom, List<String> notes, long millis) {
        Finding first = findings.isEmpty() ? null : findings.get(0);
        return new ChainVerification(findings.isEmpty(), scope, checked, first == null ? null : first.fromSeq(),
                first == null ? null : first.kind() + ": " + first.message(), List.copyOf(findings), head,
                anchor == null ? null : anchor.seq(), anchor == null ? null : anchor.at(), keyedFrom, List.copyOf(notes), millis);
    }
}
