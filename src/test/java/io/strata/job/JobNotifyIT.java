package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.strata.support.AppProcess;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.VmBuilder;

/**
 * LISTEN/NOTIFY: a job queued on node A (no workers of its own) is started by node B, whose
 * workers poll only once an hour, so only the notification can have woken them. The test waits
 * far less than the poll interval; it asserts who ran the job, not how fast.
 */
class JobNotifyIT {

    @AfterAll
    static void cleanup() {
        LibvirtHost.cleanup();
    }

    @Test
    void jobQueuedOnOneNodeWakesTheOtherNodesWorkers() throws Exception {
        LibvirtHost.createDir();
        String vm = VmBuilder.defineVm("notify", "admin");
        try (AppProcess.SharedDb db = new AppProcess.SharedDb()) {
            AppProcess a = new AppProcess(db, 18085, "notify-a", "-Dstrata.jobs.enabled=false");
            AppProcess b = new AppProcess(db, 18086, "notify-b", "-Dstrata.jobs.workers=2", "-Dstrata.jobs.poll-interval=PT1H");
            try {
                b.start();
                a.start();
                // Both of B's workers have looked for work at start and are now waiting (for an hour, or a notification).
                Thread.sleep(2000);
                for (String snap : List.of("first", "second")) {
                    long id = a.requestSnapshot(vm, snap);
                    var waited = a.call("GET", "/api/jobs/" + id + "?wait=60", null);
                    assertEquals(200, waited.statusCode(), waited.body());
                    assertTrue(waited.body().contains("\"state\":\"SUCCEEDED\""),
                            "node A's long poll answers with the job B finished: " + waited.body());
                    String worker = db.queryString("SELECT worker FROM job WHERE id = ?", id);
                    assertTrue(worker != null && worker.startsWith("node-"), "a worker claimed job " + id + ": " + worker);
                    assertEquals("1", db.queryString("SELECT attempts FROM job WHERE id = ?", id), "claimed once");
                    assertEquals("1", db.queryString("SELECT count(*) FROM job_log WHERE job_id = ? AND line LIKE 'started on %'",
                            id), "started once");
                }
                assertEquals(List.of("first", "second"), DiskProbes.snapshotNames(vm));
                assertEquals("1", db.queryString("SELECT count(DISTINCT worker) FROM job"), "only node B has workers");
            } finally {
                a.stop();
                b.stop();
            }
        }
    }
}
