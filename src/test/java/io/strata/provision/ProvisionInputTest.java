package io.strata.provision;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitSuccess;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.TestDatabase;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;
import io.strata.template.Template;

/**
 * Provisioning requests that must be refused (with nothing created, and audited), quotas, and a
 * small thin batch. The template here is a blank sealed image recorded directly: these checks
 * are about requests, not virt-sysprep (TemplateTest covers that).
 */
@io.quarkus.test.junit.QuarkusTest
class ProvisionInputTest {

    static final String TEMPLATE = "template-" + LibvirtHost.PREFIX + "blank";

    /** This class's own accounts, new for each test. */
    String admin;
    String erin;

    @BeforeEach
    void fixture() throws Exception {
        admin = Api.newUser("admin", "admin");
        erin = Api.newUser("erin", "user");
        Path image = LibvirtHost.DIR.resolve(TEMPLATE + ".qcow2");
        if (Files.exists(image)) {
            return;
        }
        Processes.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "1G");
        String xml = """
                <domain type='qemu'><name>%s</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
                <os><type arch='x86_64' machine='pc'>hvm</type></os>
                <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
                <source file='%s'/><target dev='vda' bus='virtio'/></disk></devices></domain>""".formatted(TEMPLATE, image);
        QuarkusTransaction.requiringNew().run(() -> {
            Template t = new Template();
            t.host = "local";
            t.name = TEMPLATE;
            t.sourceVm = "blank";
            t.domainXml = xml;
            t.diskList(List.of(new Template.Disk("vda", image.toString(), "qcow2", 1L << 30, 200_000)));
            t.operations = "none (test fixture)";
            t.createdBy = admin;
            t.sealedAt = Instant.now();
            t.persist();
        });
    }

    private static int vmsNamed(String prefix) {
        return (int) LibvirtHost.virsh("list", "--all", "--name").lines().filter(l -> l.startsWith(prefix)).count();
    }

    private static void refused(String user, Map<String, Object> body, int status, String why, String namePrefix) {
        long before = TestDatabase.queryLong("SELECT count(*) FROM job");
        as(user).body(body).post("/api/templates/" + TEMPLATE + "/provision").then().log().ifValidationFails()
                .statusCode(status).body("message", containsString(why));
        assertEquals(before, TestDatabase.queryLong("SELECT count(*) FROM job"), "no job queued");
        assertEquals(0, vmsNamed(namePrefix), "no VM created");
        assertTrue(TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE outcome IN ('REFUSED', 'DENIED') AND actor = '" + user
                + "' AND details LIKE '%" + why + "%'") > 0, "audited");
    }

    @Test
    void badRequestsAreRefusedWithNothingCreated() {
        String p = LibvirtHost.PREFIX + "bad-";
        as(erin).body(Map.of("name", p + "x")).post("/api/templates/template-nope/provision").then().statusCode(404);
        refused(erin, Map.of("namePattern", p + "web", "count", 3), 400, "needs {n}", p);
        refused(erin, Map.of("namePattern", p + "{n}", "count", 0), 400, "count must be between 1 and 100", p);
        refused(erin, Map.of("namePattern", p + "{n}", "count", 10000), 400, "count must be between 1 and 100", p);
        refused(erin, Map.of("name", p + "x", "method", "copy"), 400, "method must be", p);
        refused(erin, Map.of("name", "../etc"), 400, "VM name", p);
        refused(erin, Map.of("name", "template-" + p + "x"), 400, "reserved for templates", "template-" + p);
        refused(erin, Map.of("name", p + "x", "hostname", "bad_host!"), 400, "not a valid hostname", p);
        String existing = VmBuilder.defineVm("bad-taken", erin);
        long before = TestDatabase.queryLong("SELECT count(*) FROM job");
        as(erin).body(Map.of("name", existing)).post("/api/templates/" + TEMPLATE + "/provision").then().statusCode(409)
                .body("message", containsString("already taken"));
        assertEquals(before, TestDatabase.queryLong("SELECT count(*) FROM job"));
    }

    @Test
    void fiveParallelProvisionsRespectTheQuota() throws Exception {
        String gil = Api.newUser("gil", "user");
        as(admin).body(Map.of("maxVms", 2, "maxDiskGib", 100)).put("/api/users/" + gil + "/quota").then().statusCode(200);
        String p = LibvirtHost.PREFIX + "race-";
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(5);
        List<java.util.concurrent.Future<io.restassured.response.Response>> answers = new java.util.ArrayList<>();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 5; i++) {
            String name = p + i;
            answers.add(pool.submit(() -> {
                go.await();
                return as(gil).body(Map.of("name", name)).post("/api/templates/" + TEMPLATE + "/provision");
            }));
        }
        go.countDown();
        List<Integer> statuses = new java.util.ArrayList<>();
        for (var a : answers) {
            statuses.add(a.get().statusCode());
        }
        pool.shutdown();
        assertEquals(2, statuses.stream().filter(s -> s == 202).count(), "exactly the quota accepted: " + statuses);
        assertEquals(3, statuses.stream().filter(s -> s == 403).count(), "the rest refused: " + statuses);
        assertEquals(2, TestDatabase.queryLong("SELECT count(*) FROM job WHERE actor = ? AND kind = 'PROVISION_THIN'", gil));
        assertEquals(3, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE actor = ? AND outcome = 'DENIED' "
                + "AND details LIKE '403: quota:%'", gil), "each refusal audited");
        for (long id : jobIds(gil)) {
            Api.awaitJob(gil, id);
        }
        assertEquals(2, vmsNamed(p), "two VMs made");
    }

    private static long[] jobIds(String actor) {
        long n = TestDatabase.queryLong("SELECT count(*) FROM job WHERE actor = ?", actor);
        long[] ids = new long[(int) n];
        for (int i = 0; i < n; i++) {
            ids[i] = TestDatabase.queryLong("SELECT id FROM job WHERE actor = ? ORDER BY id OFFSET " + i + " LIMIT 1", actor);
        }
        return ids;
    }

    @Test
    void quotasAreEnforcedWithTheNumbers() {
        String frank = Api.newUser("frank", "user");
        as(admin).body(Map.of("maxVms", 1, "maxDiskGib", 100)).put("/api/users/" + frank + "/quota").then().statusCode(200)
                .body("maxVms", org.hamcrest.Matchers.is(1));
        String p = LibvirtHost.PREFIX + "quota-";
        refused(frank, Map.of("namePattern", p + "{n}", "count", 2), 403, "you own 0 VM(s), asked for 2 more, your limit is 1", p);
        as(admin).body(Map.of("maxVms", 10, "maxDiskGib", 2)).put("/api/users/" + frank + "/quota").then().statusCode(200);
        refused(frank, Map.of("namePattern", p + "{n}", "count", 3), 403, "3 more would add 3.0 GiB, your limit is 2 GiB", p);
        as(frank).body(Map.of("maxVms", 100)).put("/api/users/" + frank + "/quota").then().statusCode(403);

        // A VM on its way counts: with one provisioning job of frank's queued (flagged so that no
        // worker takes it), a limit of one VM leaves room for none.
        as(admin).body(Map.of("maxVms", 1, "maxDiskGib", 100)).put("/api/users/" + frank + "/quota").then().statusCode(200);
        TestDatabase.queryLong("INSERT INTO job(kind, state, host, vm, target, actor, cancel_requested, payload) VALUES "
                + "('PROVISION_THIN', 'QUEUED', 'local', ?, ?, ?, true, '{\"template\":\"x\"}') RETURNING id",
                p + "pending", TEMPLATE, frank);
        refused(frank, Map.of("name", p + "one"), 403, "you own 0 VM(s) and 1 more are being made, asked for 1 more", p + "one");
    }

    @Test
    void aThinBatchMakesIndependentlyNamedVmsAndShowsAsABatch() {
        String p = LibvirtHost.PREFIX + "batch-";
        JsonPath b = as(erin).body(Map.of("namePattern", p + "{n}", "count", 3, "method", "thin"))
                .post("/api/templates/" + TEMPLATE + "/provision").then().log().ifValidationFails().statusCode(202)
                .extract().jsonPath();
        List<Long> ids = b.getList("jobIds", Long.class);
        assertEquals(3, ids.size());
        ids.forEach(id -> awaitSuccess(erin, id));
        as(erin).get("/api/batches/" + b.getLong("batchId")).then().log().ifValidationFails().statusCode(200)
                .body("jobs.size()", org.hamcrest.Matchers.is(3)).body("jobs.vm", org.hamcrest.Matchers.hasItem(p + "2"));
        assertEquals(3, vmsNamed(p));
        // A batch whose names are taken now: refused as a whole before anything is queued.
        as(erin).body(Map.of("namePattern", p + "{n}", "count", 3)).post("/api/templates/" + TEMPLATE + "/provision")
                .then().statusCode(409).body("message", containsString(p + "1"));
        String gina = Api.newUser("gina", "user");
        as(gina).get("/api/batches/" + b.getLong("batchId")).then().statusCode(404);
    }

    @Test
    void aThinJobRefusesANameDefinedWhileItWaited() {
        String late = LibvirtHost.PREFIX + "late";
        // Queued (flagged so that no worker takes it yet), as the request left it: the name was free.
        long jobId = TestDatabase.queryLong("INSERT INTO job(kind, state, host, vm, target, actor, cancel_requested, payload)"
                + " VALUES ('PROVISION_THIN', 'QUEUED', 'local', ?, ?, ?, true, '{\"template\":\"" + TEMPLATE + "\","
                + "\"hostname\":null,\"sshKey\":null,\"start\":false}') RETURNING id", late, TEMPLATE, erin);
        // Meanwhile someone defines a VM of that name by hand (its disk is where the job would put its own).
        VmBuilder.defineVm("late", null);
        Path disk = VmBuilder.diskOf(late);
        String before = io.strata.support.DiskProbes.sha256(disk);
        TestDatabase.queryLong("UPDATE job SET cancel_requested = false WHERE id = ? RETURNING id", jobId);

        JsonPath job = Api.awaitJob(admin, jobId); // the VM of that name is not erin's now
        assertEquals("FAILED", job.getString("state"), job.prettify());
        assertTrue(job.getString("error").contains("exists now"), job.getString("error"));
        assertEquals(before, io.strata.support.DiskProbes.sha256(disk), "the hand-made VM's disk is untouched");
        assertEquals(List.of(disk.toString()), io.strata.support.DiskProbes.backingChain(disk), "no overlay on the template");
    }

    @Test
    void aBatchOfManyNamesIsRefusedWhenOneIsADomainTheInventoryDoesNotKnow() {
        String p = LibvirtHost.PREFIX + "many-";
        // Defined by hand, never listed through Strata: only libvirt knows it (the batch lists the host's domains).
        VmBuilder.defineVm("many-7", null);
        as(erin).body(Map.of("namePattern", p + "{n}", "count", 12, "method", "thin"))
                .post("/api/templates/" + TEMPLATE + "/provision").then().statusCode(409)
                .body("message", containsString(p + "7"));
        assertEquals(1, vmsNamed(p), "nothing was made");
        assertEquals(0, TestDatabase.queryLong("SELECT count(*) FROM job WHERE vm LIKE ?", p + "%"), "nothing was queued");
    }
}
