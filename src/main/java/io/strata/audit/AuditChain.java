package io.strata.audit;

import java.time.temporal.ChronoUnit;
import io.strata.kernel.Digests;

/**
 * The hash of an audit event covers every field and the previous event's hash, so changing,
 * inserting or removing a row in the middle breaks every hash after it.
 */
final class AuditChain {

    static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    static String hash(AuditEvent e) {
        StringBuilder b = new StringBuilder();
        field(b, e.prevHash);
        field(b, Long.toString(e.seq));
        field(b, Long.toString(ChronoUnit.MICROS.between(java.time.Instant.EPOCH, e.at)));
        field(b, e.actor);
        field(b, e.roles);
        field(b, e.source);
        field(b, e.action);
        field(b, e.target);
        field(b, e.jobId == null ? null : e.jobId.toString());
        field(b, e.outcome.name());
        field(b, e.details);
        return Digests.sha256Hex(b.toString());
    }

    /** Length-prefixed, so no choice of field values can make two different events hash alike. */
    private static void field(StringBuilder b, String value) {
        if (value == null) {
            b.append("-1:");
        } else {
            b.append(value.length()).append(':').append(value);
        }
        b.append('|');
    }
}
