package io.strata.vm;

import static io.strata.support.Api.as;
import static io.strata.support.Api.vmPath;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.strata.support.Api;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/** Disk chains come from qemu-img with the domain's declared format, never a guessed one. */
@QuarkusTest
class DiskChainTest {

    /** This class's own admin, new for each test. */
    String admin;

    @BeforeEach
    void users() {
        admin = Api.newUser("admin", "admin");
    }

    @Test
    void aRawDiskHoldingAQcow2HeaderIsNotFollowedToItsBackingFile() {
        // What a guest could write into its raw disk: a qcow2 header naming another VM's image.
        String victim = VmBuilder.defineVm("victim", admin);
        Path raw = LibvirtHost.DIR.resolve(LibvirtHost.PREFIX + "rawdisk.img");
        Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", VmBuilder.diskOf(victim).toString(),
                "-F", "qcow2", raw.toString());
        String vm = VmBuilder.defineVm(LibvirtHost.PREFIX + "raw", admin, raw, "raw");
        as(admin).get(vmPath(vm)).then().statusCode(200)
                .body("disks[0].format", is("raw"))
                .body("disks[0].chain.size()", is(1))
                .body("disks[0].chain[0].format", is("raw"))
                .body("disks[0].chain[0].backingFile", nullValue());
    }

    @Test
    void hostUrisAreRestrictedAndHiddenFromUsers() {
        String uma = Api.newUser("uma", "user");
        as(admin).body(Map.of("name", "evil", "uri", "qemu+ext:///system?command=/bin/sh")).post("/api/hosts")
                .then().statusCode(400);
        as(admin).body(Map.of("name", "evil", "uri", "qemu+ssh://root@h/system?keyfile=/root/.ssh/id")).post("/api/hosts")
                .then().statusCode(400);
        as(admin).get("/api/hosts").then().statusCode(200).body("name", not(hasItem("evil")));
        as(uma).get("/api/hosts").then().statusCode(200).body("[0].uri", nullValue());
    }
}
