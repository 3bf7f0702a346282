package io.strata.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.strata.audit.ChainVerification.Finding;
import io.strata.audit.ChainVerification.Kind;

/** How the walk names what was done to a chain, on hand-made events (no database). */
class ChainWalkTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    private static final byte[] WRONG = "fedcba9876543210fedcba9876543210".getBytes();

    @Test
    void anIntactChainHasNoFindings() {
        assertEquals(List.of(), walk(chain(20)));
    }

    @Test
    void anEditedEventIsChanged() {
        List<AuditEvent> c = chain(20);
        c.get(7).details = "rewritten";
        List<Finding> f = walk(c);
        assertEquals(1, f.size(), f.toString());
        assertEquals(Kind.CHANGED, f.get(0).kind());
        assertEquals(8L, f.get(0).fromSeq());
    }

    @Test
    void aDeletedEventIsNamedWithItsGap() {
        List<AuditEvent> c = chain(20);
        c.remove(9); // seq 10
        List<Finding> f = walk(c);
        assertEquals(Kind.DELETED, f.get(0).kind(), f.toString());
        assertEquals(10L, f.get(0).fromSeq());
        assertEquals(10L, f.get(0).toSeq());
    }

    @Test
    void aRangeReSealedWithoutTheKeyIsRehashed() {
        List<AuditEvent> c = chain(20);
        for (int i = 5; i < 8; i++) {
            c.get(i).details = "forged " + i;
        }
        reseal(c, 5, WRONG);
        List<Finding> f = walk(c);
        assertEquals(1, f.size(), f.toString());
        assertEquals(Kind.REHASHED, f.get(0).kind());
        assertEquals(6L, f.get(0).fromSeq());
        assertEquals(20L, f.get(0).toSeq());
        // Re-hashed the old way (plain SHA-256): said so.
        List<AuditEvent> d = chain(20);
        d.get(3).details = "forged";
        resealUnkeyed(d, 3);
        List<Finding> g = walk(d);
        assertEquals(Kind.REHASHED, g.get(0).kind());
        assertTrue(g.get(0).message().contains("plain SHA-256"), g.get(0).message());
    }

    @Test
    void anInsertedEventIsNamed() {
        List<AuditEvent> c = chain(20, 11); // seq 11 was never used (a rolled-back append)
        AuditEvent fake = event(11, c.get(9).hash, "inserted");
        fake.hash = AuditChain.mac(WRONG, fake);
        c.add(10, fake);
        List<Finding> f = walk(c);
        assertEquals(1, f.size(), f.toString());
        assertEquals(Kind.INSERTED, f.get(0).kind());
        assertEquals(11L, f.get(0).fromSeq());
        // At the head, after the latest anchor: added without the key.
        List<AuditEvent> d = chain(10);
        AuditEvent tail = event(11, d.get(9).hash, "appended");
        tail.hash = AuditChain.hash(tail);
        d.add(tail);
        List<Finding> g = walk(d, Map.of(10L, anchor(d.get(9))));
        assertEquals(Kind.INSERTED, g.get(0).kind(), g.toString());
        assertEquals(11L, g.get(0).fromSeq());
    }

    @Test
    void anAnchoredEventReplacedByAValidOneIsARestore() {
        List<AuditEvent> c = chain(10);
        Anchor a = anchor(c.get(6));
        c.get(6).details = "another history";
        reseal(c, 6, KEY); // only someone with the key (Strata itself, after a restore) can do this
        List<Finding> f = walk(c, Map.of(7L, a));
        assertEquals(Kind.RESTORED, f.get(0).kind(), f.toString());
        assertEquals(7L, f.get(0).fromSeq());
    }

    private static List<Finding> walk(List<AuditEvent> c) {
        return walk(c, Map.of());
    }

    private static List<Finding> walk(List<AuditEvent> c, Map<Long, Anchor> anchors) {
        ChainWalk w = new ChainWalk(e -> AuditChain.mac(KEY, e), anchors, AuditChain.GENESIS);
        c.forEach(w::accept);
        return w.finish();
    }

    private static Anchor anchor(AuditEvent e) {
        return Anchor.sealed(KEY, "2026-01-01T00:00:00Z", e.seq, e.hash, "fp", 1);
    }

    private static List<AuditEvent> chain(int n, long... skip) {
        List<AuditEvent> c = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (long seq = 1; c.size() < n; seq++) {
            long s = seq;
            if (java.util.Arrays.stream(skip).anyMatch(x -> x == s)) {
                continue;
            }
            AuditEvent e = event(seq, prev, "event " + seq);
            e.hash = AuditChain.mac(KEY, e);
            prev = e.hash;
            c.add(e);
        }
        return c;
    }

    private static void reseal(List<AuditEvent> c, int from, byte[] key) {
        for (int i = from; i < c.size(); i++) {
            c.get(i).prevHash = c.get(i - 1).hash;
            c.get(i).hash = AuditChain.mac(key, c.get(i));
        }
    }

    private static void resealUnkeyed(List<AuditEvent> c, int from) {
        for (int i = from; i < c.size(); i++) {
            c.get(i).prevHash = c.get(i - 1).hash;
            c.get(i).hash = AuditChain.hash(c.get(i));
        }
    }

    private static AuditEvent event(long seq, String prev, String details) {
        AuditEvent e = new AuditEvent();
        e.seq = seq;
        e.at = Instant.parse("2026-11-26T05:00:00Z").plusSeconds(seq);
        e.actor = "alice";
        e.roles = "user";
        e.action = "snapshot.create";
        e.target = "local/web-1";
        e.outcome = Outcome.ACCEPTED;
        e.details = details;
        e.prevHash = prev;
        return e;
    }
}
