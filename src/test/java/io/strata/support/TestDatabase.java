package io.strata.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A PostgreSQL database of the test run's own (real server, 127.0.0.1:5432 unless
 * STRATA_TEST_PG says otherwise), created at start and dropped at the end.
 */
public class TestDatabase implements QuarkusTestResourceLifecycleManager {

    public static final String SERVER = System.getenv().getOrDefault("STRATA_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");
    public static final String USER = System.getenv().getOrDefault("STRATA_TEST_PG_USER", "postgres");
    static String name;

    public static String url() {
        return SERVER + name;
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, "");
    }

    /** Runs a query whose first column of the first row is a number (a count, a RETURNING id). */
    public static long queryLong(String sql, Object... params) {
        try (Connection c = connect(); java.sql.PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (java.sql.ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, String> start() {
        name = "strata_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        admin("CREATE DATABASE " + name);
        return Map.of("quarkus.datasource.jdbc.url", url(), "quarkus.datasource.username", USER);
    }

    @Override
    public void stop() {
        if (name != null) {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** Creates or drops a database by a generated name (never user input). */
    static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + SERVER + ": " + e.getMessage(), e);
        }
    }
}
