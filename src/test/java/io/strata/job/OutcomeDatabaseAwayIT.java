package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.strata.support.AppProcess;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.PrivatePostgres;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/**
 * PostgreSQL goes away (an immediate stop, as a crash) exactly while a worker writes the outcome
 * of a finished job, and comes back 3 s later. The outcome's transaction is held at its audit
 * append (this test holds the audit chain's advisory lock until the stop), so the stop cuts it
 * mid-way. The work on the host is done (an offline delete with merge); the worker must write
 * that truth once the database answers again: the job ends SUCCEEDED with one audit event of its
 * outcome, not INTERRUPTED by the reaper, and no job is left RUNNING. The cluster is a private one
 * ({@link PrivatePostgres}, its own port): the machine's PostgreSQL is never restarted.
 */
class OutcomeDatabaseAwayIT {

    private static final int PORT = 18048;
    private static final int PG_PORT = 55447;
    /** AuditLog.CHAIN_LOCK: the advisory lock every audit append takes first (private there). */
    private static final long AUDIT_CHAIN_LOCK = 0x5354524154414155L;

    @AfterAll
    static void cleanup() {
        LibvirtHost.cleanup();
    }

    @Test
    void theOutcomeCutByADatabaseRestartIsWrittenOnceItIsBack() throws Exception {
        LibvirtHost.createDir();
        try (PrivatePostgres pg = new PrivatePostgres(PG_PORT).start();
                AppProcess.SharedDb db = new AppProcess.SharedDb(pg.server(), "postgres", "")) {
            String vm = LibvirtHost.PREFIX + "outcome-away";
            Path base = LibvirtHost.DIR.resolve(vm + ".qcow2");
            Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "64M");
            DiskProbes.writePattern(base, 0x11, "0", "4M");
            Path xml = LibvirtHost.DIR.resolve(vm + ".xml");
            Files.writeString(xml, VmBuilder.domainXml(vm, "admin", base, "qcow2"));
            LibvirtHost.virsh("define", xml.toString());
            Files.delete(xml);

            AppProcess app = new AppProcess(db, PORT, "outcome-away");
            try {
                app.start();
                String p = "/api/hosts/local/vms/" + vm;
                AppProcess.awaitState(db, jobOf(app.call("POST", p + "/sync", null)), "SUCCEEDED", 120);
                AppProcess.awaitState(db, jobOf(app.call("POST", p + "/snapshots", "{\"name\":\"s0\",\"kind\":\"external\"}")),
                        "SUCCEEDED", 120);
                Path overlay = Path.of(top(vm));
                assertFalse(overlay.equals(base), "the VM writes into an overlay: " + overlay);
                DiskProbes.writePattern(overlay, 0x22, "4M", "8M");

                // An offline merge of 8 MiB at 1 MiB/s: long enough to take the lock while it runs.
                long delete = jobOf(app.call("DELETE", p + "/snapshots/s0?bandwidth=1", null));
                awaitRunning(db, delete);
                Connection lock = db.connect();
                try (Statement s = lock.createStatement()) {
                    s.executeQuery("SELECT pg_advisory_lock(" + AUDIT_CHAIN_LOCK + ")").close();
                }
                // The merge ends; its outcome's transaction now waits for the audit lock.
                awaitOutcomeWaiting(db, delete);
                assertEquals("RUNNING", db.queryString("SELECT state FROM job WHERE id = ?", delete),
                        "the outcome is not committed yet");

                pg.restart(Duration.ofSeconds(3)); // cuts the outcome's transaction (and the lock's session)
                try {
                    lock.close();
                } catch (java.sql.SQLException gone) {
                    // the connection died with the server
                }

                AppProcess.awaitState(db, delete, "SUCCEEDED", 180);
                assertEquals("1", db.queryString("SELECT count(*) FROM audit_event WHERE job_id = ?"
                        + " AND action = 'snapshot.delete' AND outcome = 'SUCCESS'", delete), "the outcome is audited once");
                assertEquals("0", db.queryString("SELECT count(*) FROM audit_event WHERE job_id = ?"
                        + " AND action IN ('job.interrupted', 'job.reconciled')", delete), "not reaped");
                assertEquals("0", db.queryString("SELECT count(*) FROM job WHERE state IN ('QUEUED', 'RUNNING')"),
                        "no job is left QUEUED or RUNNING");
                assertEquals("0", db.queryString("SELECT count(*) FROM snapshot_mark WHERE snapshot = 's0'"),
                        "nothing is marked partly merged");

                assertEquals(List.of(base.toString()), DiskProbes.backingChain(base), "the chain is the base alone");
                assertEquals(base.toString(), top(vm), "the domain uses its base again");
                assertFalse(Files.exists(overlay), "the merged overlay is removed");
                assertTrue(DiskProbes.checkClean(base), "qemu-img check is clean");
                assertTrue(DiskProbes.hasPattern(base, 0x11, "0", "4M"), "the data of before the snapshot");
                assertTrue(DiskProbes.hasPattern(base, 0x22, "4M", "8M"), "the data written after it, merged");
            } finally {
                app.stop();
            }
        }
    }

    private static long jobOf(HttpResponse<String> r) {
        assertEquals(202, r.statusCode(), r.body());
        Matcher m = Pattern.compile("\"jobId\":(\\d+)").matcher(r.body());
        assertTrue(m.find(), r.body());
        return Long.parseLong(m.group(1));
    }

    private static String top(String vm) {
        for (String line : LibvirtHost.virsh("domblklist", vm).split("\n")) {
            String[] cols = line.strip().split("\\s+");
            if (cols.length == 2 && cols[0].equals("vda")) {
                return cols[1];
            }
        }
        throw new AssertionError("no vda on " + vm);
    }

    private static void awaitRunning(AppProcess.SharedDb db, long job) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            String state = db.queryString("SELECT state FROM job WHERE id = ?", job);
            if ("RUNNING".equals(state)) {
                return;
            }
            assertEquals("QUEUED", state, "the merge is still to run when the lock is taken");
            Thread.sleep(50);
        }
        throw new AssertionError("job " + job + " did not start");
    }

    /** A backend of the app's waits for the audit lock while the job is still RUNNING. */
    private static void awaitOutcomeWaiting(AppProcess.SharedDb db, long job) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            String waiting = db.queryString("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND wait_event_type = 'Lock' AND wait_event = 'advisory'");
            if (!"0".equals(waiting)) {
                return;
            }
            assertEquals("RUNNING", db.queryString("SELECT state FROM job WHERE id = ?", job),
                    "the outcome waits for the audit lock");
            Thread.sleep(100);
        }
        throw new AssertionError("no outcome waited for the audit lock");
    }
}
