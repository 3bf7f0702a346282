package io.strata.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.strata.support.AppProcess;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.PrivateLibvirtd;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/**
 * libvirtd is killed (SIGKILL) and restarted in the middle of a live delete with merge (an active
 * block commit, throttled to 1 MiB/s so that it lasts). QEMU goes on with the block job meanwhile;
 * the job reconnects, carries on watching it, pivots, and succeeds, and nothing is left behind:
 * no block job, the chain is the base alone, the data written before and after the snapshot all
 * read back, and the files are clean. The libvirtd killed is a private one of this test
 * ({@link PrivateLibvirtd}): other tests keep using the machine's.
 */
class LibvirtRestartIT {

    private static final int PORT = 18005;

    @AfterAll
    static void cleanup() {
        LibvirtHost.cleanup();
    }

    @Test
    void aLiveMergeRidesOutALibvirtdRestart() throws Exception {
        LibvirtHost.createDir();
        try (PrivateLibvirtd libvirtd = new PrivateLibvirtd().start();
                AppProcess.SharedDb db = new AppProcess.SharedDb()) {
            String vm = LibvirtHost.PREFIX + "lvrestart";
            Path base = LibvirtHost.DIR.resolve(vm + ".qcow2");
            Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", base.toString(), "64M");
            DiskProbes.writePattern(base, 0x11, "0", "8M"); // the data of before the snapshot
            Path xml = LibvirtHost.DIR.resolve(vm + ".xml");
            Files.writeString(xml, VmBuilder.domainXml(vm, "admin", base, "qcow2"));
            libvirtd.virsh("define", xml.toString());
            libvirtd.virsh("start", vm);

            AppProcess app = new AppProcess(db, PORT, "libvirt-restart", "-Dstrata.libvirt.uri=" + libvirtd.uri(),
                    "-Dstrata.libvirt.reconnect-wait=PT90S");
            try {
                app.start();
                long create = jobOf(app.call("POST", "/api/hosts/local/vms/" + vm + "/snapshots",
                        "{\"name\":\"r1\",\"kind\":\"external\"}"));
                AppProcess.awaitState(db, create, "SUCCEEDED", 120);
                Path overlay = Path.of(top(libvirtd, vm));
                assertTrue(!overlay.equals(base), "the VM writes into an overlay now: " + overlay);
                // The data of after the snapshot, written by the running VM's QEMU into the overlay.
                String out = libvirtd.virsh("qemu-monitor-command", "--hmp", vm,
                        "qemu-io -d virtio-disk0/virtio-backend \"write -P 0x22 8M 32M\"");
                assertEquals("", out.strip(), "qemu-io through the monitor");

                long delete = jobOf(app.call("DELETE", "/api/hosts/local/vms/" + vm + "/snapshots/r1?bandwidth=1", null));
                awaitProgress(db, delete, 5);
                assertTrue(blockJob(libvirtd, vm).contains("Active Block Commit"),
                        "the active commit runs");

                libvirtd.kill();
                Thread.sleep(4000);
                assertEquals("RUNNING", db.queryString("SELECT state FROM job WHERE id = ?", delete),
                        "the job waits for libvirtd instead of failing at once");
                libvirtd.start();

                AppProcess.awaitState(db, delete, "SUCCEEDED", 240);
                assertTrue(blockJob(libvirtd, vm).contains("No current block job"),
                        "no block job is left");
                assertEquals(base.toString(), top(libvirtd, vm), "pivoted: the VM writes into its base again");
                assertEquals("", libvirtd.virsh("snapshot-list", vm, "--name").strip(), "the snapshot is gone");
                assertEquals("running", libvirtd.virsh("domstate", vm).strip());
                assertEquals("1", db.queryString("SELECT count(*) FROM audit_event WHERE job_id = ? "
                        + "AND action = 'snapshot.delete' AND outcome = 'SUCCESS'", delete), "the success is audited");
                assertEquals("0", db.queryString("SELECT count(*) FROM snapshot_mark WHERE snapshot = 'r1'"),
                        "nothing is marked partly merged");

                libvirtd.virsh("destroy", vm);
                assertEquals(List.of(base.toString()), DiskProbes.backingChain(base), "the chain is the base alone");
                assertTrue(!Files.exists(overlay), "the merged overlay is removed");
                assertTrue(DiskProbes.checkClean(base), "qemu-img check is clean");
                assertTrue(DiskProbes.hasPattern(base, 0x11, "0", "8M"), "the data of before the snapshot");
                assertTrue(DiskProbes.hasPattern(base, 0x22, "8M", "32M"), "the data written after it, merged");
            } finally {
                app.stop();
            }
        }
    }

    private static long jobOf(java.net.http.HttpResponse<String> r) {
        assertEquals(202, r.statusCode(), r.body());
        Matcher m = Pattern.compile("\"jobId\":(\\d+)").matcher(r.body());
        assertTrue(m.find(), r.body());
        return Long.parseLong(m.group(1));
    }

    /** {@code virsh blockjob --info}: virsh writes the progress bar to stderr, the rest to stdout. */
    private static String blockJob(PrivateLibvirtd libvirtd, String vm) {
        Processes.Result r = libvirtd.tryVirsh("blockjob", vm, "vda", "--info");
        assertEquals(0, r.exit(), r.err());
        return r.out() + r.err();
    }

    /** The file the running domain writes into (its disk's top). */
    private static String top(PrivateLibvirtd libvirtd, String vm) {
        for (String line : libvirtd.virsh("domblklist", vm).split("\n")) {
            String[] cols = line.strip().split("\\s+");
            if (cols.length == 2 && cols[0].equals("vda")) {
                return cols[1];
            }
        }
        throw new AssertionError("no vda on " + vm);
    }

    private static void awaitProgress(AppProcess.SharedDb db, long job, int percent) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            String p = db.queryString("SELECT progress FROM job WHERE id = ? AND state = 'RUNNING'", job);
            if (p != null && Integer.parseInt(p) > percent) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + job + " showed no progress: "
                + db.queryString("SELECT state || ' ' || coalesce(error, '') FROM job WHERE id = ?", job));
    }
}
