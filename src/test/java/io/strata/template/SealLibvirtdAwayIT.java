package io.strata.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.strata.support.TinyGuest;

/**
 * libvirtd dies (SIGKILL) during a seal's last step, the undefine of the source VM, and is back
 * 3 s later (found by the fault suite: "undefining … failed: Cannot write data: Broken pipe" left
 * the template recorded, its images renamed, and the source defined on files that were gone, in a
 * FAILED job that nothing reconciles). The kill is timed by the domain's definition file
 * vanishing from the private libvirtd's configuration directory. The seal must end SUCCEEDED with
 * the source undefined and the template usable.
 */
class SealLibvirtdAwayIT {

    private static final int PORT = Integer.getInteger("it.sealaway.port", 18052);

    @AfterAll
    static void cleanup() {
        LibvirtHost.cleanup();
    }

    @Test
    void aSealWhoseLibvirtdDiesAtItsLastUndefineStillEndsSealed() throws Exception {
        LibvirtHost.createDir();
        try (PrivateLibvirtd libvirtd = new PrivateLibvirtd().start();
                AppProcess.SharedDb db = new AppProcess.SharedDb()) {
            String vm = LibvirtHost.PREFIX + "seal-away";
            Path disk = LibvirtHost.DIR.resolve(vm + ".qcow2");
            Processes.ok("qemu-img", "convert", "-O", "qcow2", TinyGuest.image().toString(), disk.toString());
            Path config = libvirtd.defineVm(vm, disk);

            AppProcess app = new AppProcess(db, PORT, "seal-away", "-Dstrata.libvirt.uri=" + libvirtd.uri(),
                    "-Dstrata.storage.dirs=/var/lib/libvirt/images");
            try {
                app.start();
                String p = "/api/hosts/local/vms/" + vm;
                AppProcess.awaitState(db, AppProcess.jobOf(app.call("POST", p + "/sync", null)), "SUCCEEDED", 120);

                // virt-sysprep first (minutes under load), then the rename, the record, the undefine.
                CompletableFuture<Void> killed = libvirtd.killWhenGone(config, 1800);
                long seal = AppProcess.jobOf(app.call("POST", p + "/template", "{\"operations\":[\"defaults\"]}"));
                killed.get(1810, TimeUnit.SECONDS);
                assertFalse(Files.exists(config), "libvirtd was killed at the undefine");
                Thread.sleep(3000);
                libvirtd.start();

                String state = AppProcess.awaitFinal(db, seal, 180);
                assertEquals("SUCCEEDED", state, "the seal ends sealed once libvirtd is back: "
                        + db.queryString("SELECT coalesce(error, result) FROM job WHERE id = ?", seal));
                assertTrue(libvirtd.tryVirsh("dominfo", vm).exit() != 0, "the source is undefined");
                assertEquals("1", db.queryString("SELECT count(*) FROM template WHERE name = ?", "template-" + vm));
                Path sealed = disk.resolveSibling("template-" + vm + ".qcow2");
                assertTrue(Files.exists(sealed), "the sealed image is there");
                assertFalse(Files.getPosixFilePermissions(sealed).stream().anyMatch(x -> x.name().endsWith("WRITE")),
                        "the sealed image is read-only");
                assertFalse(Files.exists(disk), "the source disk was renamed, not copied");
                assertEquals("1", db.queryString("SELECT count(*) FROM audit_event WHERE job_id = ?"
                        + " AND action = 'template.create' AND outcome = 'SUCCESS'", seal), "the seal is audited");
            } finally {
                app.stop();
            }
        }
    }
}
