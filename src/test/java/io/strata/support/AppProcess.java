package io.strata.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged app (target/quarkus-app) as a separate process, on a database of its own that
 * several processes ("nodes") may share. For tests that kill, restart or multiply the app.
 */
public final class AppProcess {

    public static final String ADMIN_PASSWORD = "it-admin-password";

    /** A database shared by the nodes of one test; dropped by {@link #close()}. */
    public static final class SharedDb implements AutoCloseable {
        public final String name = "strata_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

        /** Its owner and app roles (scripts/db-roles.sql), as on a real machine. */
        public final TestDatabase.Roles roles;
        /** The audit key and anchor files the nodes share (one machine here). */
        public final Path auditDir;
        /** The server (JDBC URL without a database) and the administrator the test connects as. */
        private final String server;
        private final String user;
        private final String password;

        public SharedDb() {
            this(TestDatabase.SERVER, TestDatabase.USER, TestDatabase.PASSWORD);
        }

        /** On another server, e.g. a test's {@link PrivatePostgres} (administrator postgres, trusted). */
        public SharedDb(String server, String user, String password) {
            this.server = server;
            this.user = user;
            this.password = password;
            TestDatabase.admin(server, user, password, "CREATE DATABASE " + name);
            roles = TestDatabase.createRoles(server, user, password, name);
            try {
                auditDir = Files.createTempDirectory("strata-audit-" + name);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public Connection connect() throws Exception {
            return DriverManager.getConnection(server + name, user, password);
        }

        /** The first column of the first row as text, or null when there is no row. */
        public String queryString(String sql, Object... params) throws Exception {
            try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    s.setObject(i + 1, params[i]);
                }
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        }

        @Override
        public void close() {
            TestDatabase.dropWithRoles(server, user, password, name);
        }
    }

    private final SharedDb db;
    private final int port;
    private final String label;
    private final List<String> extraArgs;
    private Process process;

    public AppProcess(SharedDb db, int port, String label, String... extraArgs) {
        this.db = db;
        this.port = port;
        this.label = label;
        this.extraArgs = List.of(extraArgs);
    }

    public AppProcess start() throws Exception {
        File jar = new File("target/quarkus-app/quarkus-run.jar");
        assertTrue(jar.isFile(), "run mvn package first: " + jar);
        Path log = Path.of("target", "it-app-" + label + ".log");
        List<String> argv = new ArrayList<>(List.of("java",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=" + db.server + db.name,
                "-Dquarkus.datasource.username=" + db.roles.app(), "-Dquarkus.datasource.password=" + db.roles.appPassword(),
                "-Dquarkus.flyway.username=" + db.roles.owner(), "-Dquarkus.flyway.password=" + db.roles.ownerPassword(),
                "-Dstrata.audit.key-file=" + db.auditDir.resolve("audit.key"),
                "-Dstrata.audit.anchor-file=" + db.auditDir.resolve("audit-anchors"),
                "-Dstrata.admin-password=" + ADMIN_PASSWORD,
                "-Dstrata.jobs.stale-after=PT5S", "-Dstrata.jobs.heartbeat-interval=1s",
                "-Dstrata.jobs.reaper-interval=1s", "-Dstrata.inventory.sync-interval=1h"));
        argv.addAll(extraArgs);
        argv.addAll(List.of("-jar", jar.getPath()));
        process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 240_000; // generous: a loaded machine can take minutes to start the app
        while (System.currentTimeMillis() < deadline) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(base() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            if (!process.isAlive()) {
                throw new AssertionError("app " + label + " exited: " + Files.readString(log));
            }
            Thread.sleep(300);
        }
        throw new AssertionError("app " + label + " did not become ready: " + Files.readString(log));
    }

    /** SIGKILL: no shutdown hook, no chance to finish anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Sends a request as admin; returns status and body. */
    public HttpResponse<String> call(String method, String path, String json) throws Exception {
        String auth = Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Basic " + auth)
                .timeout(Duration.ofSeconds(60));
        if (json != null || !method.equals("GET")) {
            b.header("Content-Type", "application/json"); // the API refuses other changes (CrossSiteRequests)
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs a snapshot request (asserting 202) and returns the job id. */
    public long requestSnapshot(String vm, String name) throws Exception {
        return jobOf(call("POST", "/api/hosts/local/vms/" + vm + "/snapshots", "{\"name\":\"" + name + "\"}"));
    }

    /** The job id of a 202 answer (asserting the 202). */
    public static long jobOf(HttpResponse<String> r) {
        if (r.statusCode() != 202) {
            throw new AssertionError("answered " + r.statusCode() + ": " + r.body());
        }
        Matcher m = Pattern.compile("\"jobId\":(\\d+)").matcher(r.body());
        assertTrue(m.find(), r.body());
        return Long.parseLong(m.group(1));
    }

    /** Waits until the job is final (neither QUEUED nor RUNNING); returns its state (the last seen after {@code seconds}). */
    public static String awaitFinal(SharedDb db, long jobId, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        String s = null;
        while (System.currentTimeMillis() < deadline) {
            s = db.queryString("SELECT state FROM job WHERE id = ?", jobId);
            if (!"QUEUED".equals(s) && !"RUNNING".equals(s)) {
                return s;
            }
            Thread.sleep(100);
        }
        return s;
    }

    /** Waits until the job is in the wanted state (read from the shared database). */
    public static void awaitState(SharedDb db, long jobId, String wanted, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        String last = null;
        while (System.currentTimeMillis() < deadline) {
            last = db.queryString("SELECT state FROM job WHERE id = ?", jobId);
            if (wanted.equals(last)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + jobId + " is " + last + ", not " + wanted + ", after " + seconds + " s");
    }
}
