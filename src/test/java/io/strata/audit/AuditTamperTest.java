package io.strata.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.strata.audit.ChainVerification.Finding;
import io.strata.audit.ChainVerification.Kind;
import io.strata.kernel.Caller;
import io.strata.support.Api;
import io.strata.support.TestDatabase;

/**
 * Each way of tampering with the audit table, done with SQL as a database superuser (who can
 * switch the append-only trigger off), is detected and named by verify. Each test starts from an
 * intact, anchored chain and puts every row back afterwards.
 */
@QuarkusTest
@TestProfile(AuditTamperProfile.class)
class AuditTamperTest {

    private static final Caller PROBE = new Caller("tamper-probe", java.util.Set.of("user"), "127.0.0.1");

    @Inject
    AuditLog audit;
    @Inject
    AuditVerifier verifier;
    @Inject
    AuditKeys keys;

    /** seq of the events this test wrote, oldest first. */
    private final List<Long> written = new ArrayList<>();
    private long savedSequence;

    @BeforeEach
    void intactAnchoredChain() throws Exception {
        written.clear();
        for (int i = 0; i < 30; i++) {
            written.add(append("probe " + i));
            if (i == 14) {
                // A sequence number that no event got (as after a rolled-back append): room for an inserted row.
                TestDatabase.queryLong("SELECT nextval('audit_event_seq')");
            }
        }
        ChainVerification v = verifier.full();
        assertTrue(v.intact(), v.toString());
        assertEquals(written.get(29), v.headSeq());
        ChainVerification quick = verifier.sinceAnchor();
        assertTrue(quick.intact(), quick.toString());
        assertEquals("since-anchor", quick.scope());
        assertEquals(written.get(29), quick.anchoredSeq(), "the full walk anchored the head");
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS tamper_backup");
            s.execute("CREATE TABLE tamper_backup AS SELECT * FROM audit_event");
            try (ResultSet r = s.executeQuery("SELECT last_value FROM audit_event_seq")) {
                r.next();
                savedSequence = r.getLong(1);
            }
        }
    }

    @AfterEach
    void putEveryRowBack() throws Exception {
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_event ENABLE TRIGGER USER");
            s.execute("SET session_replication_role = replica");
            s.execute("DELETE FROM audit_event");
            s.execute("INSERT INTO audit_event SELECT * FROM tamper_backup");
            s.execute("SELECT setval('audit_event_seq', " + savedSequence + ")");
            s.execute("SET session_replication_role = origin");
            s.execute("DROP TABLE tamper_backup");
        }
        ChainVerification v = verifier.full();
        assertTrue(v.intact(), "put back: " + v);
    }

    /** The app role may INSERT into audit_key (it records its own key): a key it made up must not pass. */
    @Test
    void aKeyDeclaredOutsideStrata() throws Exception {
        long next = TestDatabase.queryLong("SELECT last_value + 1 FROM audit_event_seq");
        superuser("INSERT INTO audit_key(fingerprint, first_seq, note) VALUES ('forged', " + next + ", 'not Strata')");
        try {
            assertNamed(verifier.full(), Kind.KEY_TABLE_CHANGED, next);
            assertNamed(verifier.sinceAnchor(), Kind.KEY_TABLE_CHANGED, next);
        } finally {
            superuser("DELETE FROM audit_key WHERE fingerprint = 'forged'");
        }
    }

    @Test
    void anEditedRow() throws Exception {
        long seq = written.get(10);
        superuser("UPDATE audit_event SET details = 'roles admin' WHERE seq = " + seq);
        assertNamed(verifier.full(), Kind.CHANGED, seq);
        // Through the API as an auditor too.
        String auditor = Api.newUser("tamper-auditor", "auditor");
        String body = RestAssured.given().auth().preemptive().basic(auditor, Api.passwordOf(auditor)).get("/api/audit/verify")
                .then().statusCode(200).extract().asString();
        assertTrue(body.contains("\"intact\":false") && body.contains("CHANGED"), body);
        // The audit page: its quick check does not reach back before the anchor; its full check names the edit.
        io.restassured.filter.cookie.CookieFilter session = new io.restassured.filter.cookie.CookieFilter();
        Api.loginInto(session, auditor, Api.passwordOf(auditor));
        String quick = RestAssured.given().filter(session).get("/audit").then().statusCode(200).extract().asString();
        assertTrue(quick.contains("Hash chain") && quick.contains("Full check"), quick);
        String full = RestAssured.given().filter(session).get("/audit?verify=full").then().statusCode(200).extract().asString();
        assertTrue(full.contains("Hash chain broken") && full.contains("CHANGED: event " + seq), full);
    }

    @Test
    void aDeletedRow() throws Exception {
        long seq = written.get(20);
        superuser("DELETE FROM audit_event WHERE seq = " + seq);
        ChainVerification v = verifier.full();
        Finding f = assertNamed(v, Kind.DELETED, seq);
        assertEquals(seq, f.toSeq());
    }

    @Test
    void aDeletedTailOfTen() throws Exception {
        long from = written.get(20);
        superuser("DELETE FROM audit_event WHERE seq >= " + from);
        long head = written.get(29);
        Finding f = assertNamed(verifier.full(), Kind.TAIL_DELETED, from);
        assertEquals(head, f.toSeq());
        // The quick check sees it too: the anchored event is gone.
        Finding q = assertNamed(verifier.sinceAnchor(), Kind.TAIL_DELETED, from);
        assertEquals(head, q.toSeq());
    }

    @Test
    void aRangeRewrittenAndReSealedWithoutTheKey() throws Exception {
        long from = written.get(5);
        // The forger knows the format but not the key: rewrites five events and re-seals from there to the head.
        try (Connection c = TestDatabase.connect()) {
            replica(c);
            List<AuditEvent> rows = rows(c, from);
            String prev = prevOf(c, from);
            for (int i = 0; i < rows.size(); i++) {
                AuditEvent e = rows.get(i);
                if (i < 5) {
                    e.details = "nothing happened";
                }
                e.prevHash = prev;
                e.hash = AuditChain.hash(e);
                prev = e.hash;
                try (PreparedStatement p = c.prepareStatement("UPDATE audit_event SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?")) {
                    p.setString(1, e.details);
                    p.setString(2, e.prevHash);
                    p.setString(3, e.hash);
                    p.setLong(4, e.seq);
                    p.executeUpdate();
                }
            }
        }
        Finding f = assertNamed(verifier.full(), Kind.REHASHED, from);
        assertEquals(written.get(29), f.toSeq());
        assertFalse(verifier.sinceAnchor().intact(), "the anchored head was re-sealed");
    }

    @Test
    void anInsertedEvent() throws Exception {
        long gap = written.get(14) + 1; // the number no event got
        assertEquals(gap + 1, written.get(15));
        AuditEvent fake = new AuditEvent();
        fake.seq = gap;
        fake.at = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        fake.actor = "admin";
        fake.roles = "admin";
        fake.action = "user.create";
        fake.target = "backdoor";
        fake.outcome = Outcome.SUCCESS;
        try (Connection c = TestDatabase.connect()) {
            fake.prevHash = prevOf(c, gap);
            fake.hash = AuditChain.hash(fake);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO audit_event(seq, at, actor, roles, action, target, outcome, "
                    + "prev_hash, hash) VALUES (?, now(), ?, ?, ?, ?, ?, ?, ?)")) {
                p.setLong(1, gap);
                p.setString(2, fake.actor);
                p.setString(3, fake.roles);
                p.setString(4, fake.action);
                p.setString(5, fake.target);
                p.setString(6, fake.outcome.name());
                p.setString(7, fake.prevHash);
                p.setString(8, fake.hash);
                p.executeUpdate(); // INSERT passes the trigger: it only refuses UPDATE, DELETE and TRUNCATE
            }
        }
        assertNamed(verifier.full(), Kind.INSERTED, gap);
    }

    @Test
    void theTriggerDisabledThenRowsDeletedAndEdited() throws Exception {
        long deleted = written.get(3);
        long edited = written.get(12);
        superuser("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update");
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM audit_event WHERE seq = " + deleted);
            s.executeUpdate("UPDATE audit_event SET actor = 'someone-else' WHERE seq = " + edited);
        }
        ChainVerification v = verifier.full();
        assertNamed(v, Kind.TRIGGER_DISABLED, null);
        assertNamed(v, Kind.DELETED, deleted);
        assertNamed(v, Kind.CHANGED, edited);
        assertNamed(verifier.sinceAnchor(), Kind.TRIGGER_DISABLED, null);
        superuser("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update");
    }

    @Test
    void theTableRestoredFromAnOlderDump() throws Exception {
        // The "dump": the table and its sequence as they were; then life goes on and is anchored.
        superuser("DROP TABLE IF EXISTS old_dump");
        superuser("CREATE TABLE old_dump AS SELECT * FROM audit_event");
        long dumpSequence = TestDatabase.queryLong("SELECT last_value FROM audit_event_seq");
        long dumpHead = written.get(29);
        List<Long> later = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            later.add(append("after the dump " + i));
        }
        assertTrue(verifier.full().intact());
        long anchored = later.get(11);
        assertEquals(anchored, verifier.sinceAnchor().anchoredSeq());
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE tamper_after AS SELECT * FROM audit_event");
            replica(c);
            s.execute("DELETE FROM audit_event");
            s.execute("INSERT INTO audit_event SELECT * FROM old_dump");
            s.execute("SELECT setval('audit_event_seq', " + dumpSequence + ")");
        }
        Finding f = assertNamed(verifier.full(), Kind.RESTORED, dumpHead + 1);
        assertEquals(anchored, f.toSeq());
        assertNamed(verifier.sinceAnchor(), Kind.RESTORED, dumpHead + 1);
        // The app goes on writing on the restored table: the anchored numbers are reused by other events.
        for (int i = 0; i < 14; i++) {
            append("after the restore " + i);
        }
        assertNamed(verifier.full(), Kind.RESTORED, null);
        assertNamed(verifier.sinceAnchor(), Kind.RESTORED, anchored);
        // Back to the table as it was after the dump (the @AfterEach puts back the original of this test).
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            replica(c);
            s.execute("DELETE FROM audit_event");
            s.execute("INSERT INTO audit_event SELECT * FROM tamper_after");
            s.execute("DROP TABLE tamper_after");
            s.execute("DROP TABLE old_dump");
        }
        savedSequence = Math.max(Math.max(savedSequence, anchored), TestDatabase.queryLong("SELECT last_value FROM audit_event_seq"));
        superuser("DROP TABLE tamper_backup");
        superuser("CREATE TABLE tamper_backup AS SELECT * FROM audit_event");
    }

    @Test
    void aMissingOrDifferentKeyFileIsReportedNeverReplaced() throws Exception {
        Path file = keys.file();
        Path aside = file.resolveSibling("audit.key.aside");
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        try {
            assertNamed(verifier.full(), Kind.KEY_PROBLEM, null);
            RestAssured.get("/q/health").then().statusCode(503)
                    .body(org.hamcrest.Matchers.containsString("KEY_MISSING"));
            // A start without the file: reported, the key is not regenerated, and nothing is sealed with another key.
            keys.reload();
            assertFalse(Files.exists(file), "no new key file was made over the existing chain");
            ChainVerification v = verifier.full();
            assertTrue(v.findings().stream().anyMatch(x -> x.kind() == Kind.KEY_PROBLEM && x.message().startsWith("KEY_MISSING")), v.toString());
            boolean refused;
            try {
                append("while the key is missing");
                refused = false;
            } catch (RuntimeException expected) {
                refused = true;
            }
            assertTrue(refused, "nothing can be audited (so nothing done) without the key");
            // Another key in its place: reported as changed, the file is left as it is.
            Files.writeString(file, "ab".repeat(32) + "\n");
            keys.reload();
            assertEquals("ab".repeat(32) + "\n", Files.readString(file));
            assertTrue(verifier.full().findings().stream().anyMatch(x -> x.message().startsWith("KEY_CHANGED")));
            Files.delete(file);
        } finally {
            Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
            keys.reload();
        }
        assertTrue(verifier.full().intact());
        RestAssured.get("/q/health").then().statusCode(200);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    private long append(String details) {
        // Sealed as the transaction commits: its seq is known after the call.
        return QuarkusTransaction.requiringNew().call(() -> audit.record(PROBE, "tamper.probe", "probe", null, Outcome.SUCCESS, details)).seq;
    }

    private static Finding assertNamed(ChainVerification v, Kind kind, Long seq) {
        assertFalse(v.intact(), "not intact: " + v);
        return v.findings().stream().filter(f -> f.kind() == kind && (seq == null || seq.equals(f.fromSeq()))).findFirst()
                .orElseThrow(() -> new AssertionError("expected " + kind + " at " + seq + ", got " + v.findings()));
    }

    /** As a superuser, with triggers off for the session (session_replication_role = replica). */
    private static void superuser(String sql) throws SQLException {
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute(sql);
        }
    }

    private static void replica(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
        }
    }

    private static String prevOf(Connection c, long seq) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT hash FROM audit_event WHERE seq < ? ORDER BY seq DESC LIMIT 1")) {
            p.setLong(1, seq);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : AuditChain.GENESIS;
            }
        }
    }

    private static List<AuditEvent> rows(Connection c, long from) throws SQLException {
        List<AuditEvent> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT seq, at, actor, roles, source, action, target, job_id, outcome, details, "
                + "prev_hash, hash FROM audit_event WHERE seq >= ? ORDER BY seq")) {
            p.setLong(1, from);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    AuditEvent e = new AuditEvent();
                    e.seq = r.getLong(1);
                    e.at = r.getObject(2, java.time.OffsetDateTime.class).toInstant();
                    e.actor = r.getString(3);
                    e.roles = r.getString(4);
                    e.source = r.getString(5);
                    e.action = r.getString(6);
                    e.target = r.getString(7);
                    long job = r.getLong(8);
                    e.jobId = r.wasNull() ? null : job;
                    e.outcome = Outcome.valueOf(r.getString(9));
                    e.details = r.getString(10);
                    e.prevHash = r.getString(11);
                    e.hash = r.getString(12);
                    out.add(e);
                }
            }
        }
        return out;
    }
}
