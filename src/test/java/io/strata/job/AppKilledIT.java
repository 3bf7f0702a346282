package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.strata.support.AppProcess;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/**
 * The packaged app is killed (SIGKILL) while a job is RUNNING; after a restart the job is
 * INTERRUPTED, reconciled against the host, and the audit log says so. To keep the job RUNNING
 * long enough, a memory dump into a FIFO that the test opens but does not read holds the domain's
 * libvirt job (QEMU blocks on the full pipe), so the snapshot call waits inside libvirtd, as a slow
 * operation would. The reader is opened first: libvirtd opens the FIFO while holding the domain's
 * lock, and an open without a reader would block every other call on that domain.
 */
class AppKilledIT {

    @AfterAll
    static void cleanup() {
        LibvirtHost.cleanup();
    }

    @Test
    void killedWhileRunningIsInterruptedAfterRestart() throws Exception {
        LibvirtHost.createDir();
        String vm = VmBuilder.defineVm("killed", "admin");
        LibvirtHost.virsh("start", vm);
        Path fifo = LibvirtHost.DIR.resolve("hold.fifo");
        Processes.ok("mkfifo", "-m", "0666", fifo.toString());
        CompletableFuture<InputStream> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.newInputStream(fifo); // returns once the dump opened the other end
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Process dump = new ProcessBuilder("virsh", "-c", LibvirtHost.URI, "dump", "--memory-only", vm, fifo.toString())
                .redirectErrorStream(true).start();
        try (AppProcess.SharedDb db = new AppProcess.SharedDb()) {
            AppProcess app = new AppProcess(db, 18082, "killed-first");
            AppProcess restarted = new AppProcess(db, 18082, "killed-second");
            try {
                Thread.sleep(2000); // let the dump take the domain's job (domjobinfo would wait for it)
                assertEquals("paused", DiskProbes.state(vm), "a memory dump pauses the guest while it runs");
                app.start();
                long jobId = app.requestSnapshot(vm, "during-kill");
                AppProcess.awaitState(db, jobId, "RUNNING", 30);

                app.kill();
                Thread.sleep(500);
                assertEquals("RUNNING", db.queryString("SELECT state FROM job WHERE id = ?", jobId),
                        "nobody finished the job: its worker is dead");

                drain(reader.get(30, TimeUnit.SECONDS)); // let libvirt go on
                dump.waitFor();

                restarted.start();
                AppProcess.awaitState(db, jobId, "INTERRUPTED", 60);
                String result = awaitResult(db, jobId);
                assertTrue(result.contains("on the host"), "reconciliation inspected the host: " + result);
                assertEquals("1", db.queryString("SELECT count(*) FROM audit_event WHERE job_id = ? "
                        + "AND action = 'job.interrupted' AND outcome = 'INTERRUPTED'", jobId), "audited as interrupted");
                assertEquals("1", db.queryString("SELECT count(*) FROM audit_event WHERE job_id = ? "
                        + "AND action = 'job.reconciled'", jobId), "and what reconciliation found");
            } finally {
                app.stop();
                restarted.stop();
                if (reader.isDone() && !reader.isCompletedExceptionally()) {
                    drain(reader.get());
                }
                dump.destroyForcibly();
            }
        }
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

    private static String awaitResult(AppProcess.SharedDb db, long jobId) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            String r = db.queryString("SELECT result FROM job WHERE id = ?", jobId);
            if (r != null) {
                return r;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + jobId + " was never reconciled");
    }
}
