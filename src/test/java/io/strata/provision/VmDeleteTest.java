package io.strata.provision;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.vmPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.response.Response;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.TestDatabase;
import io.strata.support.VmBuilder;

/** Deleting a VM on the real libvirtd: refusals that change nothing, then its snapshots, definition and files. */
@QuarkusTest
class VmDeleteTest {

    String owner;

    @BeforeEach
    void users() {
        owner = Api.newUser("del-owner", "user");
    }

    static long delete(String user, String vm, String query) {
        return as(user).delete(vmPath(vm) + query).then().log().ifValidationFails().statusCode(202).extract().jsonPath()
                .getLong("jobId");
    }

    static boolean defined(String vm) {
        return LibvirtHost.virsh("list", "--all", "--name").lines().map(String::strip).anyMatch(vm::equals);
    }

    /** The run directory's files whose names start with the VM's name. */
    static List<String> filesOf(String vm) {
        try (Stream<Path> s = Files.list(LibvirtHost.DIR)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(vm + ".") || n.startsWith(vm + "-"))
                    .filter(n -> !n.endsWith(".xml")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> audit(String vm, String outcome) {
        return as(Api.ADMIN).queryParam("vm", vm).queryParam("outcome", outcome).queryParam("limit", 500)
                .get("/api/audit").then().statusCode(200).extract().jsonPath().getList("action", String.class);
    }

    @Test
    void aThinDependentOrASharedFileRefusesAndChangesNothing() {
        String base = VmBuilder.defineVm("del-base", owner);
        Path baseDisk = VmBuilder.diskOf(base);
        // A VM stacked on the base's disk (as a thin clone is), and one that shares a disk outright.
        String thin = LibvirtHost.PREFIX + "del-thin";
        Path thinDisk = LibvirtHost.DIR.resolve(thin + ".qcow2");
        Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", baseDisk.toString(), "-F", "qcow2", thinDisk.toString());
        VmBuilder.defineVm(thin, owner, thinDisk, "qcow2");
        String sharer = VmBuilder.defineVm("del-sharer", owner);
        String shared = LibvirtHost.PREFIX + "del-shared";
        VmBuilder.defineVm(shared, owner, VmBuilder.diskOf(sharer), "qcow2");

        Map<String, String> before = DiskProbes.hostState(base);
        as(owner).delete(vmPath(base) + "?disks=true").then().statusCode(409)
                .body("message", allOf(containsString(thin), containsString(baseDisk.toString())));
        as(owner).delete(vmPath(sharer) + "?disks=false").then().statusCode(409).body("message", containsString(shared));
        assertEquals(before, DiskProbes.hostState(base), "nothing changed");
        assertTrue(defined(base) && defined(sharer));
        assertTrue(audit(base, "REFUSED").contains("vm.delete"));

        // The dependent itself may go: its overlay is removed, the base it read is not.
        String baseSum = DiskProbes.sha256(baseDisk);
        JsonPath j = awaitSuccess(owner, delete(owner, thin, "?disks=true"));
        assertTrue(j.getString("result").contains(thinDisk.toString()), j.getString("result"));
        assertFalse(Files.exists(thinDisk));
        assertEquals(baseSum, DiskProbes.sha256(baseDisk), "the base is unchanged");
        assertFalse(defined(thin));
        // Now nothing depends on the base.
        awaitSuccess(owner, delete(owner, base, "?disks=true"));
        assertEquals(List.of(), filesOf(base));
        List<String> accepted = audit(base, "ACCEPTED");
        assertTrue(accepted.contains("vm.delete"), accepted.toString());
    }

    /**
     * Other names of the same file count as the same file: a VM whose disk is a symlink to this
     * VM's image, or one stacked on it through a "dir/../file" backing name, keeps it from being
     * removed. A file outside the storage directories is never removed.
     */
    @Test
    void otherNamesOfAFileAndFilesOutsideStorageAreKept() throws IOException {
        String base = VmBuilder.defineVm("del-real", owner);
        Path baseDisk = VmBuilder.diskOf(base);
        Path sub = Files.createDirectories(LibvirtHost.DIR.resolve("del-sub"));
        String dotted = LibvirtHost.PREFIX + "del-dotted";
        Path dottedDisk = sub.resolve(dotted + ".qcow2");
        Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "../" + baseDisk.getFileName(), "-F", "qcow2",
                dottedDisk.toString());
        VmBuilder.defineVm(dotted, owner, dottedDisk, "qcow2");
        String baseSum = DiskProbes.sha256(baseDisk);
        as(owner).delete(vmPath(base) + "?disks=true").then().statusCode(409).body("message", containsString(dotted));
        assertTrue(defined(base));

        String target = VmBuilder.defineVm("del-target", owner);
        String linked = LibvirtHost.PREFIX + "del-linked";
        Path link = LibvirtHost.DIR.resolve(linked + ".qcow2");
        Files.createSymbolicLink(link, VmBuilder.diskOf(target));
        VmBuilder.defineVm(linked, owner, link, "qcow2");
        as(owner).delete(vmPath(target) + "?disks=true").then().statusCode(409).body("message", containsString(linked));
        assertTrue(Files.exists(VmBuilder.diskOf(target)) && defined(target));

        // A disk outside the storage directories: the VM goes, its file stays and the job says so.
        Path outside = Files.createTempFile("strata-outside-", ".qcow2");
        try {
            Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", outside.toString(), "16M");
            Files.setPosixFilePermissions(outside, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            String stray = LibvirtHost.PREFIX + "del-stray";
            VmBuilder.defineVm(stray, owner, outside, "qcow2");
            String sum = DiskProbes.sha256(outside);
            JsonPath j = awaitSuccess(owner, delete(owner, stray, "?disks=true"));
            assertFalse(defined(stray));
            assertTrue(Files.exists(outside), "the file outside the storage directories is kept");
            assertEquals(sum, DiskProbes.sha256(outside));
            assertTrue(j.getString("result").contains("no file removed")
                    && j.getString("result").contains(outside + " (outside the storage directories)"), j.getString("result"));
        } finally {
            Files.deleteIfExists(outside);
        }
        assertEquals(baseSum, DiskProbes.sha256(baseDisk), "the base is unchanged");
    }

    @Test
    void aRunningVmNeedsForceThenEverythingOfItGoes() {
        String vm = VmBuilder.defineVmWithTwoDisks("del-run", owner);
        awaitSuccess(owner, Api.createExternal(owner, vm, "s1"));
        awaitSuccess(owner, Api.createExternal(owner, vm, "s2"));
        String neighbour = VmBuilder.defineVm("del-neighbour", owner);
        String neighbourSum = DiskProbes.sha256(VmBuilder.diskOf(neighbour));
        List<String> files = filesOf(vm);
        assertTrue(files.size() >= 6, "two disks and two overlays each: " + files);
        LibvirtHost.virsh("start", vm);
        String other = Api.newUser("del-other", "user");
        String auditor = Api.newUser("del-auditor", "auditor");
        as(other).delete(vmPath(vm) + "?disks=true&force=true").then().statusCode(404);
        as(auditor).delete(vmPath(vm) + "?disks=true&force=true").then().statusCode(403);
        as(owner).delete(vmPath(vm) + "?disks=yes").then().statusCode(400);
        as(owner).delete(vmPath(vm) + "?disks=true").then().statusCode(409).body("message", containsString("is running"));
        assertEquals("running", DiskProbes.state(vm));
        assertEquals(files, filesOf(vm));

        JsonPath j = awaitSuccess(owner, delete(owner, vm, "?disks=true&force=true"));
        String result = j.getString("result");
        assertFalse(defined(vm), "virsh list --all lacks it");
        assertEquals(List.of(), filesOf(vm), "no file of the VM is left");
        for (String f : files) {
            assertTrue(result.contains(f), f + " named in: " + result);
        }
        assertTrue(result.contains("bytes freed"), result);
        assertEquals(neighbourSum, DiskProbes.sha256(VmBuilder.diskOf(neighbour)), "another VM's file is unchanged");
        as(owner).get(vmPath(vm)).then().statusCode(404);
        assertTrue(audit(vm, "ACCEPTED").contains("vm.delete"));
        assertTrue(audit(vm, "REFUSED").contains("vm.delete"));
        assertTrue(audit(vm, "DENIED").contains("vm.delete"));
    }

    @Test
    void withoutDisksTheImageStays() {
        String vm = VmBuilder.defineVm("del-keep", owner);
        awaitSuccess(owner, Api.createSnapshot(owner, vm, "i1", "internal"));
        String sum = DiskProbes.sha256(VmBuilder.diskOf(vm));
        // A recorded warning of its snapshot: it must not show on a later VM of the same name.
        TestDatabase.queryLong("WITH i AS (INSERT INTO snapshot_warning (host, vm, snapshot, crossing, health, reasons)"
                + " VALUES ('local', ?, 'i1', 'warn', 'warn', 'age') RETURNING 1) SELECT count(*) FROM i", vm);
        JsonPath j = awaitSuccess(owner, delete(owner, vm, "?disks=false"));
        assertEquals(0, TestDatabase.queryLong("SELECT count(*) FROM snapshot_warning WHERE host = 'local' AND vm = ?", vm),
                "the deleted VM's recorded warnings went with it");
        assertTrue(j.getString("result").contains("1 snapshot"), j.getString("result"));
        assertFalse(defined(vm));
        assertTrue(Files.exists(VmBuilder.diskOf(vm)));
        assertEquals(sum, DiskProbes.sha256(VmBuilder.diskOf(vm)));
        as(owner).get(vmPath(vm)).then().statusCode(404);
    }

    /** Posts a form of the page with its CSRF token; returns the job id the redirect names. */
    static long submit(CookieFilter who, String page, String action, Map<String, String> fields) {
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find(), "the form carries a CSRF token");
        Response r = given().filter(who).redirects().follow(false).formParam("csrf-token", m.group(1))
                .formParams(fields).post(action);
        assertEquals(303, r.statusCode(), r.asString());
        return Long.parseLong(r.header("Location").replaceAll(".*/jobs/", ""));
    }

    @Test
    void theVmPageClonesAndDeletes() {
        String vm = VmBuilder.defineVm("del-page", owner);
        CookieFilter session = new CookieFilter();
        Api.loginInto(session, owner, Api.passwordOf(owner));
        String page = given().filter(session).get("/vms/local/" + vm).then().statusCode(200).extract().asString();
        assertTrue(page.contains("/vms/local/" + vm + "/clone") && page.contains("and its disks"), "both forms shown");
        given().filter(session).redirects().follow(false).formParam("name", "x").post("/vms/local/" + vm + "/clone")
                .then().statusCode(400);
        String copy = LibvirtHost.PREFIX + "del-page-copy";
        awaitSuccess(owner, submit(session, page, "/vms/local/" + vm + "/clone", Map.of("name", copy)));
        assertTrue(defined(copy));
        String copyPage = given().filter(session).get("/vms/local/" + copy).then().statusCode(200).extract().asString();
        awaitSuccess(owner, submit(session, copyPage, "/vms/local/" + copy + "/delete", Map.of("disks", "true")));
        assertFalse(defined(copy));
        assertEquals(List.of(), filesOf(copy));
        assertTrue(defined(vm) && Files.exists(VmBuilder.diskOf(vm)));
    }
}
