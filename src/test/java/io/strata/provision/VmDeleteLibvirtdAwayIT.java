package io.strata.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.strata.support.AppProcess;
import io.strata.support.LibvirtHost;
import io.strata.support.PrivateLibvirtd;
import io.strata.support.Processes;

/**
 * libvirtd dies (SIGKILL) right after it undefined a VM that is being deleted with its disks, and
 * is back 3 s later (found by {@code ./strata faults vm-delete … libvirtd-restart}, seed 5124: the
 * job failed with "host local does not answer" and the disk stayed, named by nothing). The kill is
 * timed by the domain's definition file vanishing from the private libvirtd's configuration
 * directory (libvirtd removes it while it undefines). The job must finish what it started: the
 * domain gone and its disk removed, SUCCEEDED and audited. The libvirtd is a private one
 * ({@link PrivateLibvirtd}).
 */
class VmDeleteLibvirtdAwayIT {

    private static final int PORT = Integer.getInteger("it.vmdelete.port", 18051);

    @AfterAll
    static void cleanup() {
        LibvirtHost.cleanup();
    }

    @Test
    void aDeleteWhoseLibvirtdDiesAfterTheUndefineStillRemovesTheDisk() throws Exception {
        LibvirtHost.createDir();
        try (PrivateLibvirtd libvirtd = new PrivateLibvirtd().start();
                AppProcess.SharedDb db = new AppProcess.SharedDb()) {
            String vm = LibvirtHost.PREFIX + "del-away";
            Path disk = LibvirtHost.DIR.resolve(vm + ".qcow2");
            Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M");
            Path config = libvirtd.defineVm(vm, disk);

            AppProcess app = new AppProcess(db, PORT, "vm-delete-away", "-Dstrata.libvirt.uri=" + libvirtd.uri(),
                    "-Dstrata.storage.dirs=/var/lib/libvirt/images");
            try {
                app.start();
                String p = "/api/hosts/local/vms/" + vm;
                AppProcess.awaitState(db, AppProcess.jobOf(app.call("POST", p + "/sync", null)), "SUCCEEDED", 120);

                // Killed the moment the definition is gone: the undefine is done, the files are not.
                CompletableFuture<Void> killed = libvirtd.killWhenGone(config, 120);
                long delete = AppProcess.jobOf(app.call("DELETE", p + "?disks=true", null));
                killed.get(130, TimeUnit.SECONDS);
                assertFalse(Files.exists(config), "libvirtd was killed after the undefine");
                assertNotEquals("SUCCEEDED", db.queryString("SELECT state FROM job WHERE id = ?", delete),
                        "the disk is not removed yet when libvirtd dies");
                Thread.sleep(3000);
                libvirtd.start();

                String state = AppProcess.awaitFinal(db, delete, 180);
                assertEquals("SUCCEEDED", state, "the delete finishes once libvirtd is back: "
                        + db.queryString("SELECT coalesce(error, result) FROM job WHERE id = ?", delete));
                assertTrue(libvirtd.tryVirsh("dominfo", vm).exit() != 0, "the domain is gone");
                assertFalse(Files.exists(disk), "its disk is removed, not left named by nothing");
                assertEquals("1", db.queryString("SELECT count(*) FROM audit_event WHERE job_id = ?"
                        + " AND action = 'vm.delete' AND outcome = 'SUCCESS'", delete), "the delete is audited");
            } finally {
                app.stop();
            }
        }
    }
}
