package io.strata.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.support.Api;
import io.strata.support.TestDatabase;

/**
 * The app's own database account (made by scripts/db-roles.sql, as on a real machine) may only
 * INSERT and SELECT audit rows: UPDATE, DELETE, TRUNCATE, disabling the trigger, bypassing it
 * and setting the sequence back all fail. And the running app really uses that account.
 */
@io.quarkus.test.junit.QuarkusTest
class AuditRightsTest {

    @Inject
    EntityManager em;

    @Test
    void theRunningAppIsTheAppRoleAndNoSuperuser() {
        Object[] who = QuarkusTransaction.requiringNew().call(() -> (Object[]) em.createNativeQuery(
                "SELECT current_user::text, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)").getSingleResult());
        assertEquals(TestDatabase.roles().app(), who[0]);
        assertEquals(Boolean.FALSE, who[1]);
        // The tables belong to the owner role that ran the migrations.
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'audit_event'")) {
            r.next();
            assertEquals(TestDatabase.roles().owner(), r.getString(1));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theAppRoleCanOnlyInsertAndSelectAuditRows() throws Exception {
        Api.newUser("rights-probe", "user"); // at least one event
        try (Connection c = TestDatabase.connectAsApp(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM audit_event")) {
                r.next();
                assertTrue(r.getLong(1) > 0);
            }
            for (String sql : new String[] {
                    "UPDATE audit_event SET details = 'x'",
                    "DELETE FROM audit_event",
                    "TRUNCATE audit_event",
                    "UPDATE audit_key SET first_seq = first_seq + 1000",
                    "DELETE FROM audit_key",
                    "TRUNCATE audit_key",
                    "SELECT setval('audit_event_seq', 1)" }) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                assertTrue(e.getMessage().contains("permission denied"), sql + ": " + e.getMessage());
            }
            for (String sql : new String[] {
                    "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update",
                    "ALTER TABLE audit_event DISABLE TRIGGER ALL",
                    "DROP TRIGGER audit_event_no_update ON audit_event",
                    "DROP TABLE audit_event" }) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                assertTrue(e.getMessage().contains("must be owner"), sql + ": " + e.getMessage());
            }
            SQLException replica = assertThrows(SQLException.class, () -> s.execute("SET session_replication_role = replica"));
            assertTrue(replica.getMessage().contains("permission denied"), replica.getMessage());
            // Normal rights elsewhere: it reads and writes its other tables.
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM app_user")) {
                assertTrue(r.next());
            }
        }
        // The triggers are still on.
        assertEquals(0, TestDatabase.queryLong("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass "
                + "AND NOT tgisinternal AND tgenabled <> 'O'"));
        try (Connection c = TestDatabase.connectAsApp(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT has_table_privilege('audit_event', 'INSERT'), "
                     + "has_table_privilege('audit_event', 'UPDATE'), has_table_privilege('job', 'UPDATE')")) {
            r.next();
            assertTrue(r.getBoolean(1), "INSERT on audit_event");
            assertFalse(r.getBoolean(2), "no UPDATE on audit_event");
            assertTrue(r.getBoolean(3), "UPDATE on job");
        }
    }
}
