package io.strata.template;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.vmPath;
import static io.strata.support.DiskProbes.backingChain;
import static io.strata.support.DiskProbes.hasPattern;
import static io.strata.support.DiskProbes.topOf;
import static io.strata.support.DiskProbes.writePattern;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.DiskProbes;
import io.strata.support.LibvirtHost;
import io.strata.support.TinyGuest;
import io.strata.support.VmBuilder;

/**
 * The whole template life on the real libvirtd with real virt-sysprep: seal a tiny Linux guest,
 * provision thin and full clones from it, prove where writes land, flatten, delete.
 */
@QuarkusTest
class TemplateTest {

    /** This class's own admin, new for each test. */
    String admin;

    @BeforeEach
    void users() {
        admin = Api.newUser("admin", "admin");
    }

    /** Where tests write into guest disks: past the filesystem's metadata, so the guest stays recognisable. */
    static final String DATA_AT = "60M";

    static List<Long> jobIds(JsonPath p) {
        return p.getList("jobIds", Long.class);
    }

    @Test
    void sealProvisionThinAndCloneFlattenAndDelete() throws Exception {
        String tina = Api.newUser("tina", "user");
        String vm = VmBuilder.defineGuestVm("gold", admin);
        String template = "template-" + vm;
        JsonPath sealed = awaitSuccess(admin, as(admin).body(Map.of("operations", List.of("defaults")))
                .post(vmPath(vm) + "/template").then().statusCode(202).extract().jsonPath().getLong("jobId"));
        assertTrue(sealed.getList("log.line", String.class).stream().anyMatch(l -> l.contains("Performing \"machine-id\"")),
                "virt-sysprep's own progress lines are in the job log");
        Path image = LibvirtHost.DIR.resolve(template + ".qcow2");
        assertTrue(Files.exists(image), "the image is renamed to the template's name");
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(image)), "read-only");

        // virt-sysprep really ran: machine-id and hostname changed.
        List<String> files = TinyGuest.files(image, "/etc/machine-id", "/etc/hostname");
        assertFalse(files.contains(TinyGuest.MACHINE_ID), "machine-id reset: " + files);
        assertFalse(files.contains(TinyGuest.HOSTNAME), "hostname changed: " + files);
        assertTrue(files.contains("localhost"), files.toString());

        // Sealed: neither Strata nor virsh can start it.
        as(admin).post(vmPath(template) + "/start").then().statusCode(409).body("message", containsString("sealed template"));
        assertTrue(LibvirtHost.tryVirsh("start", vm).exit() != 0, "virsh start of the source");
        assertTrue(LibvirtHost.tryVirsh("start", template).exit() != 0, "virsh start of the template");

        JsonPath catalogue = as(tina).get("/api/templates").then().statusCode(200).extract().jsonPath();
        assertTrue(catalogue.getList("name").contains(template));
        String checksum = DiskProbes.sha256(image);

        // Thin: two VMs in one batch, owned by the requester.
        JsonPath batch = as(tina).body(Map.of("namePattern", LibvirtHost.PREFIX + "thin-{n}", "count", 2, "method", "thin"))
                .post("/api/templates/" + template + "/provision").then().statusCode(202).extract().jsonPath();
        for (long id : jobIds(batch)) {
            awaitSuccess(tina, id);
        }
        as(tina).get("/api/batches/" + batch.getLong("batchId")).then().log().ifValidationFails().statusCode(200)
                .body("jobs.state", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.is("SUCCEEDED")));
        String thin1 = LibvirtHost.PREFIX + "thin-1";
        String thin2 = LibvirtHost.PREFIX + "thin-2";
        for (String t : List.of(thin1, thin2)) {
            assertEquals(List.of(topOf(t, "vda").toString(), image.toString()), backingChain(topOf(t, "vda")),
                    "the thin VM's chain ends in the template image");
            assertTrue(LibvirtHost.virsh("dumpxml", t).contains("owner=\"" + tina + "\""), "owned by the requester");
        }
        writePattern(topOf(thin1, "vda"), 0x61, DATA_AT, "64k");
        writePattern(topOf(thin2, "vda"), 0x62, DATA_AT, "64k");
        assertEquals(checksum, DiskProbes.sha256(image), "writes of thin VMs never reach the template image");
        assertTrue(hasPattern(topOf(thin1, "vda"), 0x61, DATA_AT, "64k"));

        // Clone: independent, survives the template image being renamed away.
        String clone = LibvirtHost.PREFIX + "clone-1";
        JsonPath c = as(tina).body(Map.of("name", clone, "method", "clone", "hostname", "clone-one"))
                .post("/api/templates/" + template + "/provision")
                .then().statusCode(202).extract().jsonPath();
        awaitSuccess(tina, jobIds(c).get(0));
        Path cloneDisk = topOf(clone, "vda");
        assertEquals(List.of(cloneDisk.toString()), backingChain(cloneDisk), "a full clone has no backing file");
        Path away = image.resolveSibling("renamed-away.qcow2");
        Files.move(image, away);
        try {
            List<String> cloneFiles = TinyGuest.files(cloneDisk, "/etc/os-release", "/etc/hostname");
            assertTrue(cloneFiles.stream().anyMatch(l -> l.contains("Debian")),
                    "the clone still reads its data with the template image gone");
            assertTrue(cloneFiles.contains("clone-one"), "virt-customize set the clone's hostname: " + cloneFiles);
        } finally {
            Files.move(away, image);
        }
        assertEquals(checksum, DiskProbes.sha256(image), "customising the clone never touched the template image");

        // Names, UUIDs and MACs all distinct.
        Set<String> uuids = new HashSet<>();
        Set<String> macs = new HashSet<>();
        for (String v : List.of(thin1, thin2, clone)) {
            uuids.add(LibvirtHost.virsh("domuuid", v).strip());
            String xml = LibvirtHost.virsh("dumpxml", v);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("mac address='([^']+)'").matcher(xml);
            assertTrue(m.find(), "a MAC for " + v);
            macs.add(m.group(1));
        }
        assertEquals(3, uuids.size());
        assertEquals(3, macs.size());
        assertFalse(macs.contains(TinyGuest.MAC), "the template's MAC is not reused");

        // Delete with thin dependents is refused, naming them; after flattening both it succeeds.
        as(admin).delete("/api/templates/" + template).then().statusCode(409)
                .body("message", containsString(thin1)).body("message", containsString(thin2));
        for (String t : List.of(thin1, thin2)) {
            awaitSuccess(tina, as(tina).post(vmPath(t) + "/flatten").then().statusCode(202).extract().jsonPath()
                    .getLong("jobId"));
            assertEquals(List.of(topOf(t, "vda").toString()), backingChain(topOf(t, "vda")), "flattened");
        }
        assertTrue(hasPattern(topOf(thin1, "vda"), 0x61, DATA_AT, "64k"), "a flattened VM keeps its own data");
        awaitSuccess(admin, as(admin).delete("/api/templates/" + template).then().statusCode(202).extract().jsonPath()
                .getLong("jobId"));
        assertFalse(Files.exists(image));
        assertFalse(as(tina).get("/api/templates").then().statusCode(200).extract().jsonPath().getList("name")
                .contains(template));
        assertTrue(TinyGuest.files(topOf(thin2, "vda"), "/etc/os-release").stream().anyMatch(l -> l.contains("Debian")),
                "a flattened VM reads its OS without the template");
    }

    @Test
    void aRunningVmIsNotSealedAndUsersCannotMakeTemplates() {
        String dave = Api.newUser("dave", "user");
        String vm = VmBuilder.defineVm("tplrun", dave);
        as(dave).post(vmPath(vm) + "/template").then().statusCode(403);
        LibvirtHost.virsh("start", vm);
        as(admin).post(vmPath(vm) + "/template").then().statusCode(409).body("message", containsString("shut it down"));
        as(admin).body(Map.of("operations", List.of("no-such-op"))).post(vmPath(vm) + "/template").then().statusCode(400)
                .body("message", containsString("unknown virt-sysprep operation"));
        as(admin).body(Map.of("sshKeys", List.of("not a key; rm -rf /"))).post(vmPath(vm) + "/template").then()
                .statusCode(400);
        as(admin).post(vmPath(vm) + "/start").then().statusCode(409).body("message", containsString("not shut off"));
    }
}
