package io.strata.audit;

import static io.strata.support.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.strata.support.Api;
import io.strata.support.TestDatabase;

/** The audit log is append-only in the database, and tampering past the trigger is detected. */
@QuarkusTest
class AuditChainTest {

    @Test
    void updateAndDeleteAreRefusedByTheDatabase() throws Exception {
        Api.newUser("audit-probe", "user"); // guarantees at least one event
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
            SQLException up = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE audit_event SET actor = 'x'"));
            assertTrue(up.getMessage().contains("append-only"), up.getMessage());
            SQLException del = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM audit_event"));
            assertTrue(del.getMessage().contains("append-only"), del.getMessage());
            SQLException tr = assertThrows(SQLException.class, () -> s.executeUpdate("TRUNCATE audit_event"));
            assertTrue(tr.getMessage().contains("append-only"), tr.getMessage());
        }
    }

    @Test
    void tamperingBySuperuserIsDetectedByTheChainCheck() throws Exception {
        String admin = Api.newUser("admin", "admin");
        String chainProbe = Api.newUser("chain-probe", "user");
        as(admin).get("/api/audit/verify").then().statusCode(200).body("intact", is(true));

        long seq;
        String original;
        try (Connection c = TestDatabase.connect();
             PreparedStatement s = c.prepareStatement("SELECT seq, details FROM audit_event WHERE action = 'user.create' AND target = ?")) {
            // The creation of this test's own account: no other test's events are touched.
            s.setString(1, chainProbe);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                seq = r.getLong(1);
                original = r.getString(2);
            }
            // A superuser can switch triggers off for the session: the chain must still tell.
            tamper(c, seq, "roles admin");
        }
        try {
            as(admin).get("/api/audit/verify").then().statusCode(200).body("intact", is(false))
                    .body("brokenAtSeq", is((int) seq)).body("problem", containsString("changed"));
            // The audit page says so too.
            String carl = Api.newUser("carl", "auditor");
            String page = io.restassured.RestAssured.given().auth().preemptive().basic(carl, Api.passwordOf(carl))
                    .get("/api/audit/verify").asString();
            assertTrue(page.contains("\"intact\":false"), page);
        } finally {
            try (Connection c = TestDatabase.connect()) {
                tamper(c, seq, original);
            }
        }
        as(admin).get("/api/audit/verify").then().statusCode(200).body("intact", is(true));
    }

    private static void tamper(Connection c, long seq, String details) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE audit_event SET details = ? WHERE seq = ?")) {
            p.setString(1, details);
            p.setLong(2, seq);
            p.executeUpdate();
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = origin");
        }
    }
}
