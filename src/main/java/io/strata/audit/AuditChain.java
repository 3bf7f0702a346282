package io.strata.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.strata.kernel.Digests;

/**
 * Each audit event is sealed over every field and the previous event's seal, so changing,
 * inserting or removing a row breaks the chain. Events from the key's first sequence on carry an
 * HMAC-SHA256 under the key file (not in the database): whoever can write the table but has no
 * key cannot re-seal a rewritten range. Older events (before V8) keep their plain SHA-256.
 */
final class AuditChain {

    static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    /** The unkeyed SHA-256 of events written before the chain was keyed. */
    static String hash(AuditEvent e) {
        return Digests.sha256Hex(canonical(e));
    }

    /** The keyed seal (HMAC-SHA256, lower-case hex). */
    static String mac(byte[] key, AuditEvent e) {
        return hmacHex(key, canonical(e));
    }

    static String hmacHex(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String canonical(AuditEvent e) {
        StringBuilder b = new StringBuilder(256);
        field(b, e.prevHash);
        field(b, Long.toString(e.seq));
        field(b, Long.toString(ChronoUnit.MICROS.between(java.time.Instant.EPOCH, e.at)));
        field(b, e.actor);
        field(b, e.roles);
        field(b, e.source);
        field(b, e.action);
        field(b, e.target);
        field(b, e.jobId == null ? null : e.jobId.toString());
        field(b, e.outcome == null ? "?" : e.outcome.name());
        field(b, e.details);
        return b.toString();
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
