package io.strata.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.strata.support.AppProcess;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/**
 * Two app nodes share one database and one libvirtd: every job runs exactly once, whichever node
 * queued it. Then libvirtd is restarted under them and the next job still works (the gateway
 * reopens its connection).
 */
class TwoNodesIT {

    static final int VMS = 8;

    @AfterAll
    static void cleanup() {
        LibvirtHost.cleanup();
    }

    @Test
    void everyJobRunsOnceAcrossNodesAndLibvirtdRestartIsSurvived() throws Exception {
        LibvirtHost.createDir();
        List<String> vms = new ArrayList<>();
        for (int i = 0; i < VMS; i++) {
            vms.add(VmBuilder.defineVm("node" + i, "admin"));
        }
        try (AppProcess.SharedDb db = new AppProcess.SharedDb()) {
            AppProcess a = new AppProcess(db, 18083, "node-a", "-Dstrata.jobs.workers=2");
            AppProcess b = new AppProcess(db, 18084, "node-b", "-Dstrata.jobs.workers=2");
            try {
                a.start();
                b.start();
                List<Long> jobs = new ArrayList<>();
                for (int i = 0; i < VMS; i++) {
                    jobs.add((i % 2 == 0 ? a : b).requestSnapshot(vms.get(i), "shared"));
                }
                for (long id : jobs) {
                    AppProcess.awaitState(db, id, "SUCCEEDED", 120);
                }
                for (int i = 0; i < VMS; i++) {
                    long id = jobs.get(i);
                    assertEquals("1", db.queryString("SELECT attempts FROM job WHERE id = ?", id), "job " + id + " claimed once");
                    assertEquals("1", db.queryString("SELECT count(*) FROM job_log WHERE job_id = ? AND line LIKE 'started on %'", id),
                            "job " + id + " started once");
                    assertEquals(List.of("shared"), DiskProbes.snapshotNames(vms.get(i)), "one snapshot on " + vms.get(i));
                }
                String workers = db.queryString("SELECT string_agg(DISTINCT worker, ',') FROM job");
                assertTrue(workers != null && !workers.isEmpty(), "workers recorded: " + workers);

                // libvirtd goes away and comes back; both nodes keep working without a restart.
                Processes.ok("pkill", "-TERM", "-x", "libvirtd");
                for (int i = 0; i < 100 && Processes.run("pgrep", "-x", "libvirtd").exit() == 0; i++) {
                    Thread.sleep(100);
                }
                Processes.ok("libvirtd", "-d");
                for (int i = 0; i < 100 && LibvirtHost.tryVirsh("version").exit() != 0; i++) {
                    Thread.sleep(100);
                }
                for (AppProcess node : List.of(a, b)) {
                    String vm = vms.get(node == a ? 0 : 1);
                    long id = node.requestSnapshot(vm, "after-restart-" + (node == a ? "a" : "b"));
                    AppProcess.awaitState(db, id, "SUCCEEDED", 60);
                }
                assertEquals(2, DiskProbes.snapshotNames(vms.get(0)).size());
                assertEquals(2, DiskProbes.snapshotNames(vms.get(1)).size());
            } finally {
                a.stop();
                b.stop();
            }
        }
    }
}
