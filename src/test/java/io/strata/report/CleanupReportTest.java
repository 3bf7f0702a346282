package io.strata.report;

import static io.restassured.RestAssured.given;
import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitJob;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.createExternal;
import static io.strata.support.Api.revert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.mail.internet.MimeMessage;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.GreenMailResource;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.TestDatabase;
import io.strata.support.VmBuilder;

/**
 * The cleanup report end to end on the real libvirtd, PostgreSQL and an SMTP server: orphans planted
 * with qemu-img beside real VM disks and a revert leftover made by a real revert are listed with their
 * evidence, and nothing in use is; users see their own items; exports match; mail per owner; an
 * orphan delete that finds the file in use refuses; everything audited.
 */
@QuarkusTest
@QuarkusTestResource(value = GreenMailResource.class, restrictToAnnotatedClass = true)
class CleanupReportTest {

    static final Path DIR = LibvirtHost.DIR;
    static final Path POOL_DIR = DIR.resolve("pool");
    static final String POOL = LibvirtHost.PREFIX + "pool";

    @AfterAll
    static void dropPool() {
        LibvirtHost.tryVirsh("pool-destroy", POOL);
        LibvirtHost.tryVirsh("pool-undefine", POOL);
    }

    static void qemuImg(String... args) {
        List<String> argv = new ArrayList<>(List.of("qemu-img"));
        argv.addAll(List.of(args));
        Processes.ok(argv);
    }

    static String real(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (Exception e) {
            return p.toAbsolutePath().normalize().toString();
        }
    }

    /** Section 3 items under this run's directory: path → item. */
    static Map<String, Map<String, Object>> orphansHere(JsonPath report) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        List<Map<String, Object>> items = report.getList("items");
        for (Map<String, Object> i : items) {
            if (((Number) i.get("section")).intValue() != 3) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) i.get("data");
            String path = (String) data.get("path");
            if (path.startsWith(real(DIR))) {
                Map<String, Object> m = new HashMap<>(data);
                m.put("owner", i.get("owner"));
                m.put("vm", i.get("vm"));
                out.put(path, m);
            }
        }
        return out;
    }

    static long runReport(String operator) {
        long job = as(operator).post("/api/reports/cleanup").then().statusCode(202).extract().jsonPath().getLong("jobId");
        awaitSuccess(operator, job);
        return TestDatabase.queryLong("SELECT id FROM cleanup_report WHERE job_id = ?", job);
    }

    static JsonPath report(String user, long id) {
        return as(user).get("/api/reports/" + id).then().statusCode(200).extract().jsonPath();
    }

    static void mailTo(String user, String email, boolean enabled) {
        as(user).body(Map.of("email", email, "enabled", enabled)).put("/api/reports/mail-settings").then().statusCode(200);
    }

    @Test
    void orphansEvidenceFiltersExportsMailAndFixes() throws Exception {
        String alice = Api.newUser("alice", "user");
        String bob = Api.newUser("bob", "user");
        String carol = Api.newUser("carol", "user");
        String op = Api.newUser("op", "operator");
        String adm = Api.newUser("adm", "admin");
        mailTo(alice, alice + "@reports.test", true);
        mailTo(bob, bob + "@reports.test", true);
        mailTo(carol, carol + "@reports.test", false); // opted out
        mailTo(adm, adm + "@reports.test", true);

        // alice's VM: external snapshots s1, s2, a real revert to s1 (the VM moves to a new overlay on
        // a.qcow2; the branch a.s1, holding s2's data, stays for s2), then both snapshots' metadata removed
        // outside Strata (virsh snapshot-delete --metadata): the revert's old branch a.s1 is left behind.
        String a = VmBuilder.defineVm("rep-a", alice);
        Path aDisk = VmBuilder.diskOf(a);
        awaitSuccess(alice, createExternal(alice, a, "s1"));
        awaitSuccess(alice, createExternal(alice, a, "s2"));
        awaitSuccess(alice, revert(alice, a, "s1", false));
        Path aS1 = aDisk.resolveSibling(a + ".s1");
        assertTrue(Files.exists(aS1), "the revert kept the branch holding s2's data");
        LibvirtHost.virsh("snapshot-delete", a, "s2", "--metadata");
        LibvirtHost.virsh("snapshot-delete", a, "s1", "--metadata");
        Path aStray = DIR.resolve(a + "-stray.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", "-b", aDisk.toString(), "-F", "qcow2", aStray.toString());

        // bob's VM with an overlay someone made by hand, and a thin VM whose template image is gone
        String b = VmBuilder.defineVm("rep-b", bob);
        Path bManual = DIR.resolve(b + ".manual"); // no image extension: found by its qcow2 header
        qemuImg("create", "-q", "-f", "qcow2", "-b", VmBuilder.diskOf(b).toString(), "-F", "qcow2", bManual.toString());
        Path tmpl = DIR.resolve("template-" + LibvirtHost.PREFIX + "gone.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", tmpl.toString(), "64M");
        Path thinDisk = DIR.resolve(LibvirtHost.PREFIX + "rep-thin.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", "-b", tmpl.toString(), "-F", "qcow2", thinDisk.toString());
        String thin = VmBuilder.defineVm(LibvirtHost.PREFIX + "rep-thin", bob, thinDisk, "qcow2");
        Files.delete(tmpl);

        // carol (opted out of mail) with an orphan of her own
        String c = VmBuilder.defineVm("rep-c", carol);
        Path cX = DIR.resolve(c + "-x.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", "-b", VmBuilder.diskOf(c).toString(), "-F", "qcow2", cX.toString());

        // no owner: a standalone qcow2, a raw .img, and a file in a dir pool that holds no VM disk
        Path lost = DIR.resolve("lost.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", lost.toString(), "16M");
        Path oldImg = DIR.resolve("old.img");
        qemuImg("create", "-q", "-f", "raw", oldImg.toString(), "1M");
        Files.createDirectories(POOL_DIR);
        LibvirtHost.virsh("pool-define-as", POOL, "dir", "--target", POOL_DIR.toString());
        Path pooled = POOL_DIR.resolve("pooled.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", pooled.toString(), "16M");

        // ---- the report lists exactly these orphans, with their evidence
        long id = runReport(op);
        JsonPath full = report(op, id);
        Map<String, Map<String, Object>> orphans = orphansHere(full);
        Set<String> expected = new TreeSet<>(List.of(real(aS1), real(aStray), real(bManual), real(cX), real(lost),
                real(oldImg), real(pooled)));
        assertEquals(expected, new TreeSet<>(orphans.keySet()),
                "exactly the planted orphans and the revert leftover; not disks, overlays in use, backing files, XML files");
        Path aTop = Path.of(LibvirtHost.virsh("domblklist", a).lines().filter(l -> l.strip().startsWith("vda"))
                .findFirst().orElseThrow().strip().split("\\s+")[1]);
        assertFalse(orphans.containsKey(real(aTop)), "the overlay the revert made is a disk");
        assertFalse(orphans.containsKey(real(aDisk)), "a backing file in use");
        assertFalse(orphans.containsKey(real(thinDisk)), "a disk with a broken chain is still a disk");

        Map<String, Object> leftover = orphans.get(real(aS1));
        assertEquals("qcow2", leftover.get("format"));
        assertEquals(real(aDisk), leftover.get("backingFile"));
        assertTrue(((Number) leftover.get("bytes")).longValue() > 0);
        assertNotNull(leftover.get("mtime"));
        assertTrue(leftover.get("why").toString().startsWith("overlay of " + a + ".qcow2, which " + a + " uses, but in no chain of "
                + a + " and no snapshot of it"), leftover.get("why").toString());
        assertTrue(leftover.get("why").toString().contains("through " + aTop.getFileName()), leftover.get("why").toString());
        assertEquals(Boolean.TRUE, leftover.get("revertLeftover"));
        assertEquals(alice, leftover.get("owner"));
        assertEquals(bob, orphans.get(real(bManual)).get("owner"));
        assertEquals("raw", orphans.get(real(oldImg)).get("format"));
        assertTrue(orphans.get(real(lost)).get("why").toString().startsWith("standalone qcow2 image"));
        assertEquals(null, orphans.get(real(lost)).get("owner"));

        // section 2: the thin VM whose template image is gone
        List<Map<String, Object>> items = full.getList("items");
        assertTrue(items.stream().anyMatch(i -> ((Number) i.get("section")).intValue() == 2 && thin.equals(i.get("vm"))
                && i.get("summary").toString().contains("thin VM whose template image " + tmpl + " is gone")),
                "broken chain of the thin VM reported");

        // ---- a user sees only their own items
        JsonPath mine = report(alice, id);
        assertTrue(mine.getBoolean("filteredToOwner"));
        List<Map<String, Object>> aliceItems = mine.getList("items");
        assertFalse(aliceItems.isEmpty());
        assertTrue(aliceItems.stream().allMatch(i -> alice.equals(i.get("owner"))), "only alice's items");
        assertEquals(Set.of(real(aS1), real(aStray)), orphansHere(mine).keySet());

        // ---- CSV and JSON exports parse and match the report
        String csvText = as(op).accept("text/csv").get("/api/reports/" + id + "?format=csv").then().statusCode(200)
                .extract().asString();
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csvText)).getRecords();
        JsonPath exported = as(op).get("/api/reports/" + id + "?format=json").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> exportedItems = exported.getList("items");
        assertEquals(exportedItems.size(), rows.size());
        assertEquals(items.size(), exportedItems.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(exportedItems.get(i).get("key"), rows.get(i).get("key"));
            assertEquals(exportedItems.get(i).get("summary"), rows.get(i).get("summary"));
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) exportedItems.get(i).get("data");
            assertEquals(data.get("path") == null ? "" : data.get("path").toString(), rows.get(i).get("path"));
        }
        String aliceCsv = as(alice).accept("text/csv").get("/api/reports/" + id + "?format=csv").then().statusCode(200)
                .extract().asString();
        assertTrue(CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(new StringReader(aliceCsv))
                .getRecords().stream().allMatch(r -> r.get("owner").equals(alice)));
        as(op).get("/api/reports/" + id + "?format=xml").then().statusCode(400);

        // ---- mail: each owner their own items, carol (opted out) nothing, the admin a summary with a link
        Map<String, List<MimeMessage>> byTo = new HashMap<>();
        for (MimeMessage m : GreenMailResource.mail.getReceivedMessages()) {
            byTo.computeIfAbsent(m.getAllRecipients()[0].toString(), k -> new ArrayList<>()).add(m);
        }
        String aliceMail = body(byTo.get(alice + "@reports.test"));
        assertTrue(aliceMail.contains(real(aS1)) && aliceMail.contains(real(aStray)), aliceMail);
        assertFalse(aliceMail.contains(real(bManual)) || aliceMail.contains(real(lost)), aliceMail);
        String bobMail = body(byTo.get(bob + "@reports.test"));
        assertTrue(bobMail.contains(real(bManual)) && bobMail.contains(thin), bobMail);
        assertFalse(bobMail.contains(real(aS1)), bobMail);
        assertFalse(byTo.containsKey(carol + "@reports.test"), "carol opted out");
        String admMail = body(byTo.get(adm + "@reports.test"));
        assertTrue(admMail.contains("http://strata.test/reports/" + id) && admMail.contains("Orphan image files"), admMail);
        assertTrue(GreenMailResource.mail.getReceivedMessages()[0].getFrom()[0].toString().contains(GreenMailResource.FROM));

        // ---- the pages: the list, the report with evidence; users see their own items, only admins a delete button
        String listPage = given().filter(login(op)).get("/reports").then().statusCode(200).extract().asString();
        assertTrue(listPage.contains("href=\"/reports/" + id + "\""), "listed");
        String opPage = given().filter(login(op)).get("/reports/" + id).then().statusCode(200).extract().asString();
        assertTrue(opPage.contains("3. Orphan image files") && opPage.contains(real(aS1)) && opPage.contains(real(bManual)));
        assertFalse(opPage.contains("Delete file"), "operators do not delete files");
        assertTrue(given().filter(login(adm)).get("/reports/" + id).then().statusCode(200).extract().asString()
                .contains("Delete file"));
        String alicePage = given().filter(login(alice)).get("/reports/" + id).then().statusCode(200).extract().asString();
        assertTrue(alicePage.contains(real(aS1)) && !alicePage.contains(real(bManual)), "alice sees her items only");

        // ---- orphan delete: users may not; an admin's job removes a true orphan
        as(alice).body(Map.of("path", real(lost))).post("/api/reports/" + id + "/fixes/orphan-delete").then().statusCode(403);
        as(adm).body(Map.of("path", "/etc/passwd")).post("/api/reports/" + id + "/fixes/orphan-delete").then().statusCode(404);
        // While a chain that is there cannot be read (the thin VM's: its template image is gone),
        // the files below it are unknown: no orphan goes.
        long blocked = as(adm).body(Map.of("path", real(lost))).post("/api/reports/" + id + "/fixes/orphan-delete").then()
                .statusCode(202).extract().jsonPath().getLong("jobId");
        JsonPath bj = awaitJob(adm, blocked);
        assertEquals("FAILED", bj.getString("state"));
        assertTrue(bj.getString("error").contains("could not be read") && bj.getString("error").contains(thin), bj.getString("error"));
        assertTrue(Files.exists(lost), "nothing removed while a chain is unreadable");
        LibvirtHost.virsh("undefine", thin);
        long del = as(adm).body(Map.of("path", real(lost))).post("/api/reports/" + id + "/fixes/orphan-delete").then()
                .statusCode(202).extract().jsonPath().getLong("jobId");
        awaitSuccess(adm, del);
        assertFalse(Files.exists(lost));

        // ---- a VM started using a file between the report and the fix: the job refuses, the file stays
        String e = VmBuilder.defineVm(LibvirtHost.PREFIX + "rep-e", alice, aStray, "qcow2");
        long refused = as(adm).body(Map.of("path", real(aStray))).post("/api/reports/" + id + "/fixes/orphan-delete")
                .then().statusCode(202).extract().jsonPath().getLong("jobId");
        JsonPath rj = awaitJob(adm, refused);
        assertEquals("FAILED", rj.getString("state"));
        assertTrue(rj.getString("error").contains("in use now") && rj.getString("error").contains(e), rj.getString("error"));
        assertTrue(Files.exists(aStray), "nothing removed");

        // ---- everything audited
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'report.cleanup'"
                + " AND actor = ? AND outcome = 'ACCEPTED'", op));
        assertTrue(TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'report.cleanup'"
                + " AND outcome = 'SUCCESS' AND job_id = (SELECT job_id FROM cleanup_report WHERE id = ?)", id) >= 1);
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'orphan.delete'"
                + " AND actor = ? AND outcome = 'DENIED'", alice));
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'orphan.delete'"
                + " AND job_id = ? AND outcome = 'SUCCESS'", del));
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'orphan.delete'"
                + " AND job_id = ? AND outcome = 'FAILED'", refused));
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'report.mail-settings'"
                + " AND actor = ? AND details LIKE '%off%'", carol));

        // ---- the next report: what was resolved, what is new, and the failed job since the last one
        Path fresh = DIR.resolve("fresh.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", fresh.toString(), "16M");
        long id2 = runReport(op);
        JsonPath second = report(op, id2);
        assertEquals(id, second.getLong("previousId"));
        Set<String> changes = second.<Map<String, Object>>getList("items").stream()
                .filter(i -> ((Number) i.get("section")).intValue() == 7).map(i -> i.get("key").toString())
                .collect(Collectors.toSet());
        assertTrue(changes.contains("new:orphan:local:" + real(fresh)), changes.toString());
        assertTrue(changes.contains("resolved:orphan:local:" + real(lost)), "deleted");
        assertTrue(changes.contains("resolved:orphan:local:" + real(aStray)), "now used by " + e);
        assertFalse(changes.contains("new:orphan:local:" + real(aS1)), "still there: not new");
        assertTrue(second.<Map<String, Object>>getList("items").stream().anyMatch(i -> ((Number) i.get("section")).intValue() == 5
                && ("job:" + refused).equals(i.get("key"))), "the refused delete is a failed job since the last report");

    }

    @Test
    void snapshotsOverThePolicyWithLeaseAndDeleteFixes() {
        String dave = Api.newUser("dave", "user");
        String erin = Api.newUser("erin", "user");
        String op = Api.newUser("op", "operator");
        String d = VmBuilder.defineVm("rep-d", dave);
        for (String name : List.of("s1", "s2")) {
            long job = as(dave).body(Map.of("name", name, "kind", "internal", "reason", "before the " + name + " upgrade"))
                    .post(Api.vmPath(d) + "/snapshots").then().statusCode(202).extract().jsonPath().getLong("jobId");
            awaitSuccess(dave, job);
        }
        as(op).body(Map.of("countWarn", 1)).put(Api.vmPath(d) + "/policy").then().statusCode(200);

        long id = runReport(op);
        List<Map<String, Object>> policy = report(dave, id).<Map<String, Object>>getList("items").stream()
                .filter(i -> ((Number) i.get("section")).intValue() == 1).toList();
        assertEquals(Set.of("snapshot:local/" + d + "/s1", "snapshot:local/" + d + "/s2"),
                policy.stream().map(i -> i.get("key").toString()).collect(Collectors.toSet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> s1 = (Map<String, Object>) policy.stream().filter(i -> i.get("key").toString().endsWith("/s1"))
                .findFirst().orElseThrow().get("data");
        assertEquals(dave, s1.get("creator"));
        assertEquals("before the s1 upgrade", s1.get("reason"));
        assertEquals("warn", s1.get("health"));
        assertTrue(s1.get("reasons").toString().contains("> 1"), s1.toString());
        assertNotNull(s1.get("lease"));
        assertTrue(s1.get("action").toString().contains("extend its lease"), s1.toString());
        assertTrue(report(erin, id).<Map<String, Object>>getList("items").isEmpty(), "erin owns nothing here");

        // lease: the hygiene feature's extension, from the report item
        as(dave).body(Map.of("key", "snapshot:local/" + d + "/s1", "days", 2, "reason", "still testing"))
                .post("/api/reports/" + id + "/fixes/lease").then().statusCode(200);
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'snapshot.lease'"
                + " AND actor = ? AND target = ?", dave, "local/" + d + "/s1"));
        // delete: the snapshot feature's delete job; another user cannot use dave's items
        as(erin).body(Map.of("key", "snapshot:local/" + d + "/s2")).post("/api/reports/" + id + "/fixes/snapshot-delete")
                .then().statusCode(404);
        long del = as(dave).body(Map.of("key", "snapshot:local/" + d + "/s2"))
                .post("/api/reports/" + id + "/fixes/snapshot-delete").then().statusCode(202).extract().jsonPath().getLong("jobId");
        awaitSuccess(dave, del);
        assertFalse(LibvirtHost.virsh("snapshot-list", d, "--name").contains("s2"));
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'snapshot.delete'"
                + " AND job_id = ? AND outcome = 'SUCCESS'", del));
    }

    static CookieFilter login(String user) {
        CookieFilter cookies = new CookieFilter();
        Api.loginInto(cookies, user, Api.passwordOf(user));
        return cookies;
    }

    static String body(List<MimeMessage> mails) throws Exception {
        assertNotNull(mails, "no mail");
        assertEquals(1, mails.size());
        Object content = mails.get(0).getContent();
        return content.toString();
    }
}
