package io.strata.disk;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitJob;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.createExternal;
import static io.strata.support.Api.vmPath;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.VmBuilder;

/** Disk chains through the API and DISK_CHECK jobs on real images, clean and corrupted, shut off and running. */
@QuarkusTest
class DiskCheckTest {

    /** This class's own accounts, new for each test. */
    String alice;
    String bob;

    @BeforeEach
    void users() {
        alice = Api.newUser("alice", "user");
        bob = Api.newUser("bob", "user");
    }

    private static long check(String user, String vm, String target) {
        return as(user).post(vmPath(vm) + "/disks/" + target + "/check").then().statusCode(202).extract().jsonPath()
                .getLong("jobId");
    }

    @Test
    void chainsAreListedAndCheckedImageByImage() throws Exception {
        String vm = VmBuilder.defineVm("check", alice);
        Path base = VmBuilder.diskOf(vm);
        awaitSuccess(alice, createExternal(alice, vm, "c1"));
        Path top = DiskProbes.topOf(vm, "vda");

        JsonPath disks = as(alice).get(vmPath(vm) + "/disks").then().statusCode(200).extract().jsonPath();
        assertEquals("vda", disks.getString("[0].target"));
        assertEquals(top.toString(), disks.getString("[0].chain[0].file"));
        assertEquals(base.toString(), disks.getString("[0].chain[1].file"));
        assertEquals("qcow2", disks.getString("[0].chain[1].format"));
        assertEquals(64L * 1024 * 1024, disks.getLong("[0].chain[1].virtualSize"));
        assertTrue(disks.getLong("[0].chain[0].actualSize") > 0);

        JsonPath ok = awaitSuccess(alice, check(alice, vm, "vda"));
        assertTrue(ok.getString("result").contains("2 image(s) checked, no errors"), ok.getString("result"));
        assertTrue(ok.getList("log.line", String.class).stream().anyMatch(l -> l.contains("authoritative")));

        // A corrupt L1 entry in the base: the check fails and names the image.
        try (RandomAccessFile f = new RandomAccessFile(base.toFile(), "rw")) {
            f.seek(40);
            long l1 = f.readLong();
            f.seek(l1);
            f.writeLong(0x8000000000000201L);
        }
        JsonPath bad = awaitJob(alice, check(alice, vm, "vda"));
        assertEquals("FAILED", bad.getString("state"));
        assertTrue(bad.getString("error").contains(base.toString()) && bad.getString("error").contains("corruption"),
                bad.getString("error"));
    }

    @Test
    void aRunningVmIsReadSharedAndTheJobSaysSo() {
        String vm = VmBuilder.defineVm("checkrun", alice);
        LibvirtHost.virsh("start", vm);
        JsonPath ok = awaitSuccess(alice, check(alice, vm, "vda"));
        assertTrue(ok.getString("result").contains("read shared while running"), ok.getString("result"));
        assertTrue(ok.getList("log.line", String.class).stream().anyMatch(l -> l.contains("qemu-img -U")));
    }

    @Test
    void unknownDisksAndOtherPeoplesVmsAreRefused() {
        String vm = VmBuilder.defineVm("checkown", alice);
        as(alice).post(vmPath(vm) + "/disks/vdz/check").then().statusCode(404).body("message", containsString("no disk vdz"));
        as(alice).post(vmPath(vm) + "/disks/..%2Fetc/check").then().statusCode(is(400));
        as(bob).post(vmPath(vm) + "/disks/vda/check").then().statusCode(404);
        as(bob).get(vmPath(vm) + "/disks").then().statusCode(404);
    }
}
