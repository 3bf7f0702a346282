package io.strata.snapshot;

import static io.strata.support.Api.as;
import static io.strata.support.Api.vmPath;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.strata.support.Api;
import io.strata.support.TestDatabase;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.VmBuilder;

/** Bad input gets a clear 4xx, creates nothing, and is audited. */
@QuarkusTest
class SnapshotInputTest {

    /** This class's own account and its VM, made by the first test (the tests only read the VM). */
    static String ivan;
    static String vm;

    @BeforeEach
    void setUp() {
        if (ivan == null) {
            ivan = Api.newUser("ivan", "user");
            vm = VmBuilder.defineVm("input", ivan);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "../x", "a/b", "a\"b", "<s>", "", " ", "-lead", "a..b", "x\ny",
            "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
                    + "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
                    + "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
                    + "1234567890" })
    void badSnapshotNamesAreRefusedAndCreateNothing(String name) throws Exception {
        long jobsBefore = jobCount(vm);
        as(ivan).body(Map.of("name", name, "kind", "internal")).post(vmPath(vm) + "/snapshots")
                .then().statusCode(400).body("status", is(400)).body("message", containsString("snapshot name"));
        assertEquals(jobsBefore, jobCount(vm), "no job was queued");
        assertEquals(List.of(), DiskProbes.snapshotNames(vm), "libvirt has no snapshot");
        assertTrue(lastAuditOf(ivan).contains("REFUSED"), "the refusal is audited");
    }

    @Test
    void missingBodyUnknownKindLongDescriptionAreRefused() {
        as(ivan).post(vmPath(vm) + "/snapshots").then().statusCode(400);
        as(ivan).body(Map.of("name", "ok", "kind", "weird")).post(vmPath(vm) + "/snapshots").then().statusCode(400)
                .body("message", containsString("kind"));
        as(ivan).body(Map.of("name", "ok", "description", "x".repeat(1001))).post(vmPath(vm) + "/snapshots")
                .then().statusCode(400).body("message", containsString("description"));
        assertEquals(List.of(), DiskProbes.snapshotNames(vm));
    }

    @Test
    void unknownSnapshotOrVmGives404() {
        as(ivan).post(vmPath(vm) + "/snapshots/nope/revert").then().statusCode(404)
                .body("message", containsString("no snapshot named nope"));
        as(ivan).delete(vmPath(vm) + "/snapshots/nope").then().statusCode(404);
        as(ivan).get(vmPath("no-such-vm-" + LibvirtHost.RUN)).then().statusCode(404);
        as(ivan).get("/api/hosts/nohost/vms").then().statusCode(404);
    }

    @Test
    void duplicateNameIs409() {
        long job = Api.createSnapshot(ivan, vm, "dup", "first");
        Api.awaitSuccess(ivan, job);
        as(ivan).body(Map.of("name", "dup")).post(vmPath(vm) + "/snapshots").then().statusCode(409)
                .body("message", containsString("already has a snapshot named dup"));
        Api.awaitSuccess(ivan, as(ivan).delete(vmPath(vm) + "/snapshots/dup").then().statusCode(202)
                .extract().jsonPath().getLong("jobId"));
    }

    static long jobCount(String vm) {
        return TestDatabase.queryLong("SELECT count(*) FROM job WHERE vm = ?", vm);
    }

    static String lastAuditOf(String actor) throws Exception {
        try (Connection c = TestDatabase.connect();
             PreparedStatement s = c.prepareStatement(
                     "SELECT action || ' ' || outcome || ' ' || coalesce(details, '') FROM audit_event WHERE actor = ? ORDER BY seq DESC LIMIT 1")) {
            s.setString(1, actor);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : "";
            }
        }
    }
}
