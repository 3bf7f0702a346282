package io.strata.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A PostgreSQL database of the test run's own (real server, 127.0.0.1:5432 unless
 * STRATA_TEST_PG says otherwise), created at start and dropped at the end, with its two roles
 * made by the same scripts/db-roles.sql as on a real machine: the app runs as the app role
 * (INSERT and SELECT only on the audit tables), Flyway as the owner. The test code itself connects
 * as the administrator STRATA_TEST_PG_USER / STRATA_TEST_PG_PASSWORD (a superuser; default
 * postgres without a password; ./strata test sets them from /etc/strata/test-db.env).
 * The audit key and anchor files of the run are in a temporary directory.
 */
public class TestDatabase implements QuarkusTestResourceLifecycleManager {

    public static final String SERVER = System.getenv().getOrDefault("STRATA_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");
    public static final String USER = System.getenv().getOrDefault("STRATA_TEST_PG_USER", "postgres");
    public static final String PASSWORD = System.getenv().getOrDefault("STRATA_TEST_PG_PASSWORD", "");
    static String name;
    static Roles roles;
    static Path auditDir;

    /** The two roles of one test database and their passwords. */
    public record Roles(String owner, String ownerPassword, String app, String appPassword) {

        /** The app's and Flyway's credentials as Quarkus properties. */
        public Map<String, String> properties() {
            return Map.of("quarkus.datasource.username", app, "quarkus.datasource.password", appPassword,
                    "quarkus.flyway.username", owner, "quarkus.flyway.password", ownerPassword);
        }
    }

    /** The roles of the current test database. */
    public static Roles roles() {
        return roles;
    }

    /** Where this run's audit key and anchor files are. */
    public static Path auditDir() {
        return auditDir;
    }

    /** Connects with the app's own credentials (what the running app may do, no more). */
    public static Connection connectAsApp() throws SQLException {
        return DriverManager.getConnection(url(), roles.app(), roles.appPassword());
    }

    public static String url() {
        return SERVER + name;
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, PASSWORD);
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
        roles = createRoles(name);
        try {
            auditDir = Files.createTempDirectory("strata-audit-" + name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> config = new HashMap<>(roles.properties());
        config.put("quarkus.datasource.jdbc.url", url());
        config.put("strata.audit.key-file", auditDir.resolve("audit.key").toString());
        config.put("strata.audit.anchor-file", auditDir.resolve("audit-anchors").toString());
        return config;
    }

    @Override
    public void stop() {
        if (name != null) {
            dropWithRoles(name);
        }
    }

    /** Drops a database made by this class and its two roles. */
    static void dropWithRoles(String db) {
        dropWithRoles(SERVER, USER, PASSWORD, db);
    }

    /** The same on another server (a test's {@link PrivatePostgres}). */
    static void dropWithRoles(String server, String user, String password, String db) {
        admin(server, user, password, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        admin(server, user, password, "DROP ROLE IF EXISTS " + db + "_owner");
        admin(server, user, password, "DROP ROLE IF EXISTS " + db + "_app");
    }

    /**
     * Creates the owner and app roles of a test database with scripts/db-roles.sql, the file
     * host-setup.sh runs with psql: its psql variables are filled in the way psql fills them.
     */
    static Roles createRoles(String db) {
        return createRoles(SERVER, USER, PASSWORD, db);
    }

    static Roles createRoles(String server, String user, String password, String db) {
        SecureRandom random = new SecureRandom();
        byte[] a = new byte[18];
        byte[] b = new byte[18];
        random.nextBytes(a);
        random.nextBytes(b);
        Roles r = new Roles(db + "_owner", HexFormat.of().formatHex(a), db + "_app", HexFormat.of().formatHex(b));
        Map<String, String> vars = Map.of("owner", r.owner(), "owner_password", r.ownerPassword(), "app", r.app(),
                "app_password", r.appPassword());
        String sql;
        try {
            sql = Files.readString(Path.of("scripts", "db-roles.sql"));
        } catch (IOException e) {
            throw new IllegalStateException("scripts/db-roles.sql: " + e.getMessage(), e);
        }
        Matcher m = Pattern.compile(":'(\\w+)'").matcher(sql);
        StringBuilder filled = new StringBuilder();
        while (m.find()) {
            String value = vars.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("scripts/db-roles.sql uses an unknown variable " + m.group(1));
            }
            m.appendReplacement(filled, Matcher.quoteReplacement("'" + value.replace("'", "''") + "'"));
        }
        m.appendTail(filled);
        try (Connection c = DriverManager.getConnection(server + db, user, password); Statement s = c.createStatement()) {
            s.execute(filled.toString());
        } catch (SQLException e) {
            throw new IllegalStateException("scripts/db-roles.sql on " + db + ": " + e.getMessage(), e);
        }
        return r;
    }

    /** Creates or drops a database by a generated name (never user input). */
    static void admin(String sql) {
        admin(SERVER, USER, PASSWORD, sql);
    }

    static void admin(String server, String user, String password, String sql) {
        try (Connection c = DriverManager.getConnection(server + "postgres", user, password);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + server + ": " + e.getMessage(), e);
        }
    }
}
