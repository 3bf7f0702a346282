package io.strata.job;

import static io.restassured.RestAssured.given;
import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.vmPath;
import static io.strata.support.DiskProbes.backingChain;
import static io.strata.support.DiskProbes.topOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/**
 * Before and after of real jobs on the real libvirtd: the recorded domain XML matches {@code virsh
 * dumpxml}, the chains match {@code qemu-img info --backing-chain}, both taken by the test around
 * the job; files created and removed are the ones that appeared and disappeared; the outcome's audit
 * event names the record, and the export carries it (checked offline).
 */
@QuarkusTest
class JobChangeTest {

    String alice;
    String auditor;

    @BeforeEach
    void users() {
        alice = Api.newUser("alice", "user");
        auditor = Api.newUser("carol", "auditor");
    }

    /** What the test itself read on the host. */
    record HostView(String xml, List<String> chain, List<String> snapshots) {
        static HostView of(String vm) {
            return new HostView(LibvirtHost.virsh("dumpxml", vm), backingChain(topOf(vm, "vda")), DiskProbes.snapshotNames(vm));
        }
    }

    /** Checks the job's record against what the test read before and after; returns the record. */
    JsonPath assertRecorded(long jobId, HostView before, HostView after) {
        JsonPath c = as(alice).get("/api/jobs/" + jobId + "/change").then().statusCode(200).extract().jsonPath();
        if (before == null) {
            assertFalse(c.getBoolean("change.before.exists"));
            assertNull(c.getString("xmlBefore"));
        } else {
            assertEquals(before.xml().strip(), c.getString("xmlBefore").strip(), "XML before = virsh dumpxml before");
            assertEquals(before.chain(), c.getList("change.before.disks[0].chain.file"), "chain before = qemu-img");
            assertEquals(new TreeSet<>(before.snapshots()), new TreeSet<>(c.getList("change.before.snapshots.name", String.class)));
        }
        assertEquals(after.xml().strip(), c.getString("xmlAfter").strip(), "XML after = virsh dumpxml after");
        assertEquals(after.chain(), c.getList("change.after.disks[0].chain.file"), "chain after = qemu-img");
        assertEquals(new TreeSet<>(after.snapshots()), new TreeSet<>(c.getList("change.after.snapshots.name", String.class)));
        // Removed: exactly the files that existed before and are gone now, with their sizes (a
        // snapshot may name a file that was already gone: size -1).
        Set<String> gone = new TreeSet<>();
        List<String> namedBefore = c.getList("change.before.files.file", String.class);
        for (Map<String, Object> f : c.<Map<String, Object>>getList("change.before.files")) {
            if (((Number) f.get("bytes")).longValue() >= 0 && !Files.exists(Path.of((String) f.get("file")))) {
                gone.add((String) f.get("file"));
            }
        }
        assertEquals(gone, new TreeSet<>(c.getList("change.filesRemoved.file", String.class)));
        for (Map<String, Object> f : c.<Map<String, Object>>getList("change.filesCreated")) {
            assertFalse(namedBefore.contains((String) f.get("file")));
            assertTrue(Files.exists(Path.of((String) f.get("file"))));
            assertEquals(((Number) f.get("bytes")).longValue(), Path.of((String) f.get("file")).toFile().length(), "its size");
        }
        // The outcome's audit event names the record.
        long seq = c.getLong("auditSeq");
        JsonPath event = as(auditor).queryParam("before", seq + 1).queryParam("limit", 1).get("/api/audit")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(seq, event.getLong("[0].seq"));
        assertEquals(jobId, event.getLong("[0].jobId"));
        assertTrue(event.getString("[0].details").endsWith("change sha256:" + c.getString("digest")), event.getString("[0].details"));
        return c;
    }

    @Test
    void externalRevertAndMergeRecordWhatTheyChanged() throws Exception {
        String vm = VmBuilder.defineVm("chg-rev", alice);
        awaitSuccess(alice, Api.createExternal(alice, vm, "s1"));
        awaitSuccess(alice, Api.createExternal(alice, vm, "s2"));

        HostView before = HostView.of(vm);
        long revert = Api.revert(alice, vm, "s1", false);
        awaitSuccess(alice, revert);
        HostView after = HostView.of(vm);
        JsonPath r = assertRecorded(revert, before, after);
        assertTrue(r.getList("change.filesCreated.file").contains(after.chain().get(0)), "the revert's new overlay");
        assertFalse(before.chain().contains(after.chain().get(0)));
        assertTrue(r.getList("xmlDiff.kind").contains("add") && r.getList("xmlDiff.kind").contains("del"),
                "the disk's new source shows in the diff");

        HostView beforeMerge = HostView.of(vm);
        long merge = as(alice).post(vmPath(vm) + "/merge").then().statusCode(202).extract().jsonPath().getLong("jobId");
        awaitSuccess(alice, merge);
        HostView afterMerge = HostView.of(vm);
        JsonPath m = assertRecorded(merge, beforeMerge, afterMerge);
        assertEquals(List.of(), afterMerge.snapshots());
        assertEquals(1, afterMerge.chain().size(), "merged into the base");
        assertFalse(m.getList("change.filesRemoved").isEmpty(), "the overlays went");

        // The export carries the change records and checks offline (digests of records and XML).
        String jsonl = as(auditor).accept("*/*").queryParam("format", "jsonl").queryParam("vm", vm)
                .get("/api/audit/export").then().statusCode(200).extract().asString();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> withChange = new ArrayList<>();
        for (String line : jsonl.split("\n")) {
            JsonNode n = json.readTree(line);
            if (n.hasNonNull("change")) {
                withChange.add(n);
            }
        }
        assertTrue(withChange.size() >= 4, "snapshots, revert and merge: " + withChange.size());
        for (JsonNode n : withChange) {
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(n.get("change").asText().getBytes(StandardCharsets.UTF_8)));
            assertTrue(n.get("details").asText().endsWith("change sha256:" + digest));
        }
        Path file = Files.createTempFile("export", ".jsonl");
        Files.writeString(file, jsonl);
        Processes.Result check = Processes.run(io.strata.review.AuditReviewTest.checker(file));
        assertEquals(0, check.exit(), check.out() + check.err());
    }

    @Test
    void diskConvertRecordsTheNewImageAndTheRemovedOne() {
        String name = LibvirtHost.PREFIX + "chg-conv";
        Path raw = LibvirtHost.DIR.resolve(name + ".img");
        Processes.ok("qemu-img", "create", "-q", "-f", "raw", raw.toString(), "16M");
        String vm = VmBuilder.defineVm(name, alice, raw, "raw");
        HostView before = HostView.of(vm);
        long job = as(alice).body(Map.of("format", "qcow2")).post(vmPath(vm) + "/disks/vda/convert")
                .then().statusCode(202).extract().jsonPath().getLong("jobId");
        awaitSuccess(alice, job);
        HostView after = HostView.of(vm);
        JsonPath c = assertRecorded(job, before, after);
        assertEquals(List.of(after.chain().get(0)), c.getList("change.filesCreated.file"));
        assertEquals(List.of(raw.toString()), c.getList("change.filesRemoved.file"));
        assertEquals(16L * 1024 * 1024, c.getLong("change.filesRemoved[0].bytes"));
        List<String> diff = c.getList("xmlDiff.text", String.class);
        assertTrue(diff.stream().anyMatch(l -> l.startsWith("-") && l.contains("raw")), diff.toString());
        assertTrue(diff.stream().anyMatch(l -> l.startsWith("+") && l.contains("qcow2")), diff.toString());

        // The pages: the job page shows the diff, the VM's timeline the job, the audit page finds it.
        var owner = login(alice);
        String page = given().filter(owner).get("/jobs/" + job).then().statusCode(200).extract().asString();
        assertTrue(page.contains("What the job changed") && page.contains("class=\"diff-add\""), page);
        assertTrue(page.contains(raw.toString()), "the removed file is named");
        String timeline = given().filter(owner).get("/vms/local/" + vm + "/timeline").then().statusCode(200).extract().asString();
        assertTrue(timeline.contains("/jobs/" + job) && timeline.contains("file(s) created"), timeline);
        var carol = login(auditor);
        assertTrue(given().filter(carol).queryParam("q", vm).get("/audit").then().statusCode(200).extract().asString()
                .contains("/jobs/" + job));
        assertTrue(given().filter(carol).queryParam("format", "csv").queryParam("vm", vm).get("/audit/export").then()
                .statusCode(200).extract().asString().matches("(?s)\"?record\"?,\"?seq\"?,.*"));
        given().filter(owner).get("/audit").then().statusCode(403);
    }

    static io.restassured.filter.cookie.CookieFilter login(String user) {
        var cookies = new io.restassured.filter.cookie.CookieFilter();
        Api.loginInto(cookies, user, Api.passwordOf(user));
        return cookies;
    }

    @Test
    void provisionRecordsANewVm() {
        String admin = Api.newUser("admin", "admin");
        String gold = VmBuilder.defineGuestVm("chg-gold", admin);
        awaitSuccess(admin, as(admin).body(Map.of("operations", List.of("defaults"))).post(vmPath(gold) + "/template")
                .then().statusCode(202).extract().jsonPath().getLong("jobId"));
        String name = LibvirtHost.PREFIX + "chg-thin";
        long job = as(alice).body(Map.of("name", name, "method", "thin"))
                .post("/api/templates/template-" + gold + "/provision").then().statusCode(202).extract().jsonPath()
                .getList("jobIds", Long.class).get(0);
        awaitSuccess(alice, job);
        HostView after = HostView.of(name);
        JsonPath c = assertRecorded(job, null, after);
        assertEquals(2, after.chain().size(), "an overlay on the template image");
        assertEquals(List.of(after.chain().get(0)), c.getList("change.filesCreated.file"), "only the overlay is new");
        assertEquals(List.of(), c.getList("change.filesRemoved"));
    }
}
