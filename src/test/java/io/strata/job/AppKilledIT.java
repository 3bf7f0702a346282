package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.InputStream;
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
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.strata.support.TestHost;

/**
 * The packaged app is killed (SIGKILL) while a job is RUNNING; after a restart the job is
 * INTERRUPTED, reconciled against the host, and the audit log says so. To keep the job RUNNING
 * long enough, a memory dump into a FIFO that the test opens but does not read holds the domain's
 * libvirt job (QEMU blocks on the full pipe), so the snapshot call waits inside libvirtd, as a slow
 * operation would. The reader is opened first: libvirtd opens the FIFO while holding the domain's
 * lock, and an open without a reader would block every other call on that domain.
 */
class AppKilledIT {

    static final String SERVER = System.getenv().getOrDefault("STRATA_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");
    static final String DB = "strata_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    static final int PORT = 18082;
    static final String ADMIN_PASSWORD = "it-admin-password";

    @AfterAll
    static void cleanup() throws Exception {
        TestHost.cleanup();
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
            c.createStatement().execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        }
    }

    @Test
    void killedWhileRunningIsInterruptedAfterRestart() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
            c.createStatement().execute("CREATE DATABASE " + DB);
        }
        Files.createDirectories(TestHost.DIR);
        String vm = TestHost.defineVm("killed", "admin");
        TestHost.virsh("start", vm);
        Path fifo = TestHost.DIR.resolve("hold.fifo");
        TestHost.Proc.ok("mkfifo", "-m", "0666", fifo.toString());
        CompletableFuture<InputStream> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.newInputStream(fifo); // returns once the dump opened the other end
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Process dump = new ProcessBuilder("virsh", "-c", TestHost.URI, "dump", "--memory-only", vm, fifo.toString())
                .redirectErrorStream(true).start();
        Process app = null;
        try {
            awaitDomainJob(vm);
            app = startApp("first");
            long jobId = postSnapshot(vm, "during-kill");
            awaitState(jobId, "RUNNING", 30);

            app.destroyForcibly().waitFor();
            Thread.sleep(500);
            assertEquals("RUNNING", state(jobId), "nobody finished the job: its worker is dead");

            drain(reader.get(30, java.util.concurrent.TimeUnit.SECONDS)); // let libvirt go on
            dump.waitFor();

            app = startApp("second");
            awaitState(jobId, "INTERRUPTED", 60);
            String result = awaitResult(jobId);
            assertTrue(result.contains("on the host"), "reconciliation inspected the host: " + result);
            assertTrue(auditHas(jobId, "job.interrupted", "INTERRUPTED"), "the audit log says it was interrupted");
            assertTrue(auditHas(jobId, "job.reconciled", "SUCCESS"), "and what reconciliation found");
        } finally {
            if (app != null) {
                app.destroy();
                app.waitFor();
            }
            if (reader.isDone() && !reader.isCompletedExceptionally()) {
                drain(reader.get());
            }
            dump.destroyForcibly();
        }
    }

    private static Process startApp(String label) throws Exception {
        File jar = new File("target/quarkus-app/quarkus-run.jar");
        assertTrue(jar.isFile(), "run mvn package first: " + jar);
        Path log = Path.of("target", "app-killed-it-" + label + ".log");
        Process p = new ProcessBuilder(List.of("java",
                "-Dquarkus.http.port=" + PORT,
                "-Dquarkus.datasource.jdbc.url=" + SERVER + DB,
                "-Dstrata.admin-password=" + ADMIN_PASSWORD,
                "-Dstrata.jobs.stale-after=PT5S", "-Dstrata.jobs.heartbeat-interval=1s",
                "-Dstrata.jobs.reaper-interval=1s", "-Dstrata.inventory.sync-interval=1h",
                "-jar", jar.getPath()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            if (!p.isAlive()) {
                throw new AssertionError("app exited: " + Files.readString(log));
            }
            Thread.sleep(300);
        }
        throw new AssertionError("app did not become ready: " + Files.readString(log));
    }

    private static long postSnapshot(String vm, String name) throws Exception {
        String auth = Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + PORT + "/api/hosts/local/vms/" + vm + "/snapshots"))
                .header("Authorization", "Basic " + auth).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        Matcher m = Pattern.compile("\"jobId\":(\\d+)").matcher(r.body());
        assertTrue(m.find(), r.body());
        return Long.parseLong(m.group(1));
    }

    /** Waits until the dump holds the domain's job: a snapshot then stays queued inside libvirtd. */
    private static void awaitDomainJob(String vm) throws Exception {
        // domjobinfo itself would wait for the job lock, so give libvirt a moment to start the dump.
        Thread.sleep(2000);
        // A memory dump pauses the guest; it resumes when the dump ends.
        assertEquals("paused", TestHost.state(vm), "the dump is in progress");
    }

    private static void drain(InputStream in) {
        CompletableFuture.runAsync(() -> {
            try (in) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (Exception e) {
                // the dump ended
            }
        });
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(SERVER + DB, "postgres", "");
    }

    private static String state(long jobId) throws Exception {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement("SELECT state FROM job WHERE id = ?")) {
            s.setLong(1, jobId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private static void awaitState(long jobId, String wanted, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        String last = null;
        while (System.currentTimeMillis() < deadline) {
            last = state(jobId);
            if (wanted.equals(last)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + jobId + " is " + last + ", not " + wanted + ", after " + seconds + " s");
    }

    private static String awaitResult(long jobId) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (Connection c = db(); PreparedStatement s = c.prepareStatement("SELECT result FROM job WHERE id = ?")) {
                s.setLong(1, jobId);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next() && r.getString(1) != null) {
                        return r.getString(1);
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + jobId + " was never reconciled");
    }

    private static boolean auditHas(long jobId, String action, String outcome) throws Exception {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM audit_event WHERE job_id = ? AND action = ? AND outcome = ?")) {
            s.setLong(1, jobId);
            s.setString(2, action);
            s.setString(3, outcome);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1) > 0;
            }
        }
    }
}
