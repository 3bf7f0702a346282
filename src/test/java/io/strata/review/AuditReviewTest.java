package io.strata.review;

import static io.strata.support.Api.as;
import static io.strata.support.Api.vmPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.strata.audit.AuditExport;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.kernel.Caller;
import io.strata.support.Api;
import io.strata.support.LibvirtHost;
import io.strata.support.Processes;
import io.strata.support.VmBuilder;

/**
 * Audit review on the real database: text search, keyset paging under concurrent appends, exports
 * parsed as CSV and JSON Lines and checked offline (in Java and with the README's script), roles,
 * and VM and user timelines.
 */
@QuarkusTest
public class AuditReviewTest {

    @Inject
    AuditLog audit;

    String auditor;
    String alice;
    String bob;

    @BeforeEach
    void users() {
        auditor = Api.newUser("carol", "auditor");
        alice = Api.newUser("alice", "user");
        bob = Api.newUser("bob", "user");
    }

    private void record(String actor, String target, String details) {
        Caller c = new Caller(actor, Set.of("user"), "127.0.0.1");
        QuarkusTransaction.requiringNew().run(() -> audit.record(c, "test.note", target, null, Outcome.SUCCESS, details));
    }

    private static String tag() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    @Test
    void searchFindsEventsByWordsInTheirDetailsCombinedWithFilters() {
        String word = "quokka" + tag();
        String other = "wombat" + tag();
        record(alice, "local/box-1", "merged the overlay of " + word + " into its base, " + other + " kept");
        record(alice, "local/box-2", "only " + word + " here");
        record(bob, "local/box-3", "bob's " + word + " and " + other);

        List<Map<String, Object>> both = as(auditor).queryParam("q", word + " " + other).get("/api/audit")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(2, both.size(), "both words must appear: " + both);
        List<Map<String, Object>> alices = as(auditor).queryParam("q", other).queryParam("actor", alice).get("/api/audit")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(1, alices.size());
        assertEquals("local/box-1", alices.get(0).get("target"));
        assertEquals(List.of(), as(auditor).queryParam("q", word + " absent" + tag()).get("/api/audit")
                .then().statusCode(200).extract().jsonPath().getList("$"));
        // LIKE's wildcards are literals in a search.
        assertEquals(List.of(), as(auditor).queryParam("q", "%" + tag()).get("/api/audit")
                .then().statusCode(200).extract().jsonPath().getList("$"));
        // Targets are searched too.
        assertEquals(1, as(auditor).queryParam("q", "box-3 " + word).get("/api/audit")
                .then().statusCode(200).extract().jsonPath().getList("$").size());
    }

    @Test
    void keysetPagesStayTheSameWhileEventsAreAppended() throws Exception {
        String actor = "pager-" + tag();
        for (int i = 0; i < 120; i++) {
            record(actor, "local/p", "event " + i);
        }
        Response first = as(auditor).queryParam("actor", actor).queryParam("limit", 25).get("/api/audit");
        List<Long> seen = new ArrayList<>(first.jsonPath().getList("seq", Long.class));
        String next = first.header("X-Next-Before");
        assertNotNull(next);
        assertTrue(first.header("Link").contains("rel=\"next\""), first.header("Link"));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger appended = new AtomicInteger();
        Thread appender = new Thread(() -> {
            while (!stop.get() && appended.get() < 300) {
                record(actor, "local/p", "appended " + appended.incrementAndGet());
            }
        });
        appender.start();
        try {
            while (next != null) {
                Response page = as(auditor).queryParam("actor", actor).queryParam("limit", 25)
                        .queryParam("before", next).get("/api/audit");
                page.then().statusCode(200);
                seen.addAll(page.jsonPath().getList("seq", Long.class));
                next = page.header("X-Next-Before");
            }
        } finally {
            stop.set(true);
            appender.join();
        }
        assertTrue(appended.get() > 0, "events were appended while paging");
        assertEquals(120, seen.size(), "every event before the first page, once: " + seen);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) < seen.get(i - 1), "newest first, no repeats");
        }
        long total = as(auditor).queryParam("actor", actor).queryParam("limit", 1000).get("/api/audit")
                .jsonPath().getList("seq").size();
        assertEquals(120 + appended.get(), total, "the appended events are on the newest page");
    }

    @Test
    void exportOfAFilteredRangeParsesAndChecksOfflineAgainstTheHead() throws Exception {
        String actor = "exporter-" + tag();
        record(actor, "local/e-1", "plain");
        record(alice, "local/e-x", "someone else in between");
        record(actor, "local/e-2", "commas, \"quotes\", a\nnewline, ünïcödé and 🙂");
        record(actor, "local/e-3", "");
        record(actor, "local/e-4", null);

        String csvText = as(auditor).accept("*/*").queryParam("format", "csv").queryParam("actor", actor).get("/api/audit/export")
                .then().statusCode(200).contentType("text/csv").extract().asString();
        String jsonl = as(auditor).accept("*/*").queryParam("format", "jsonl").queryParam("actor", actor).get("/api/audit/export")
                .then().statusCode(200).extract().asString();

        List<CSVRecord> csv = CSVParser.parse(new StringReader(csvText),
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setNullString(AuditExport.CSV_NULL).get())
                .getRecords();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : jsonl.split("\n")) {
            lines.add(json.readTree(l));
        }
        for (List<Map<String, String>> rows : List.of(csvRows(csv), jsonRows(lines))) {
            Map<String, String> head = rows.get(0);
            assertEquals("head", head.get("record"));
            List<Map<String, String>> body = rows.subList(1, rows.size());
            assertEquals(actor, body.get(0).get("actor"), "the range starts at the first match");
            assertEquals(4, body.stream().filter(r -> r.get("record").equals("event")).count());
            assertTrue(body.stream().filter(r -> r.get("record").equals("event")).allMatch(r -> actor.equals(r.get("actor"))));
            assertTrue(body.stream().anyMatch(r -> r.get("record").equals("link")), "events of others are links");
            assertEquals("", body.stream().filter(r -> "local/e-3".equals(r.get("target"))).findFirst().orElseThrow()
                    .get("details"), "an empty string stays empty");
            assertNull(body.stream().filter(r -> "local/e-4".equals(r.get("target"))).findFirst().orElseThrow()
                    .get("details"), "null stays null");
            assertEquals(null, verifyOffline(head, body));
            // A changed character is found.
            Map<String, String> e2 = body.stream().filter(r -> "local/e-2".equals(r.get("target"))).findFirst().orElseThrow();
            e2.put("details", e2.get("details").replace("quotes", "quotas"));
            assertTrue(verifyOffline(head, body).contains("does not match its hash"));
        }

        // The README's script agrees.
        Path dir = Files.createTempDirectory("audit-export");
        Path csvFile = Files.writeString(dir.resolve("audit.csv"), csvText);
        Path jsonFile = Files.writeString(dir.resolve("audit.jsonl"), jsonl);
        for (Path f : List.of(csvFile, jsonFile)) {
            Processes.Result r = Processes.run(checker(f));
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().startsWith("ok: 4 events"), r.out());
        }
        Files.writeString(jsonFile, jsonl.replace("\"plain\"", "\"plane\""));
        Processes.Result changed = Processes.run(checker(jsonFile));
        assertEquals(1, changed.exit(), "a changed event is found: " + changed.out());
        assertTrue(changed.out().contains("does not match its hash"), changed.out());
        Files.writeString(csvFile, csvText.substring(0, csvText.lastIndexOf('\n', csvText.length() - 2) + 1));
        Processes.Result cut = Processes.run(checker(csvFile));
        assertEquals(1, cut.exit(), "a missing tail is found: " + cut.out());
        assertTrue(cut.out().contains("does not end at the head"), cut.out());
    }

    private static List<Map<String, String>> csvRows(List<CSVRecord> records) {
        List<Map<String, String>> out = new ArrayList<>();
        for (CSVRecord r : records) {
            out.add(new java.util.HashMap<>(r.toMap()));
        }
        return out;
    }

    private static List<Map<String, String>> jsonRows(List<JsonNode> lines) {
        List<Map<String, String>> out = new ArrayList<>();
        for (JsonNode n : lines) {
            Map<String, String> m = new java.util.HashMap<>();
            n.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText()));
            out.add(m);
        }
        return out;
    }

    /** The README's check, in Java: links, recomputed hashes, the head at the end. Null when intact. */
    static String verifyOffline(Map<String, String> head, List<Map<String, String>> rows) throws Exception {
        String prev = null;
        String keyed = head.containsKey("keyed_from") ? head.get("keyed_from") : head.get("job_id");
        for (Map<String, String> r : rows) {
            if (prev != null && !prev.equals(r.get("prev_hash"))) {
                return "record " + r.get("seq") + " does not link";
            }
            boolean sealed = keyed != null && !keyed.isEmpty() && Long.parseLong(r.get("seq")) >= Long.parseLong(keyed);
            if (r.get("record").equals("event") && !hash(r, sealed ? key() : null).equals(r.get("hash"))) {
                return "event " + r.get("seq") + " does not match its hash";
            }
            prev = r.get("hash");
        }
        Map<String, String> last = rows.get(rows.size() - 1);
        if (!last.get("seq").equals(head.get("seq")) || !last.get("hash").equals(head.get("hash"))) {
            return "the export does not end at the head";
        }
        return null;
    }

    /** The audit key (hex in the key file), once the chain is keyed. */
    static byte[] key() throws Exception {
        String file = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("strata.audit.key-file", String.class).orElseThrow();
        return HexFormat.of().parseHex(Files.readString(Path.of(file)).strip());
    }

    /** {@code --key FILE} for the script once the chain is keyed. */
    public static List<String> checker(Path export) {
        List<String> argv = new ArrayList<>(List.of("python3", "scripts/check-audit-export.py"));
        org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue("strata.audit.key-file", String.class)
                .filter(f -> Files.exists(Path.of(f))).ifPresent(f -> argv.addAll(List.of("--key", f)));
        argv.add(export.toString());
        return argv;
    }

    private static String hash(Map<String, String> r, byte[] key) throws Exception {
        Instant at = Instant.parse(r.get("at"));
        StringBuilder b = new StringBuilder();
        for (String v : new String[] { r.get("prev_hash"), r.get("seq"), Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, at)),
                r.get("actor"), r.get("roles"), r.get("source"), r.get("action"), r.get("target"), r.get("job_id"),
                r.get("outcome"), r.get("details") }) {
            b.append(v == null ? "-1:" : v.length() + ":" + v).append('|');
        }
        byte[] text = b.toString().getBytes(StandardCharsets.UTF_8);
        if (key != null) {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text));
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text));
    }

    @Test
    void usersCannotReadTheAuditLogAndSeeOnlyTheirOwnVmInItsTimeline() {
        as(alice).get("/api/audit").then().statusCode(403);
        as(alice).accept("*/*").queryParam("format", "csv").get("/api/audit/export").then().statusCode(403);
        as(auditor).get("/api/audit").then().statusCode(200);

        String mine = VmBuilder.defineVm("tl", alice);
        String alsoMine = VmBuilder.defineVm("tl-2", alice); // its name starts like the first one's
        // A job on each (a refresh), and an event about each.
        Api.awaitSuccess(alice, as(alice).post(vmPath(mine) + "/sync").then().statusCode(202).extract().jsonPath().getLong("jobId"));
        Api.awaitSuccess(alice, as(alice).post(vmPath(alsoMine) + "/sync").then().statusCode(202).extract().jsonPath().getLong("jobId"));
        as(alice).body(Map.of("format", "vmdk")).post(vmPath(alsoMine) + "/disks/vda/convert").then().statusCode(400);

        var timeline = as(alice).get(vmPath(mine) + "/timeline").then().statusCode(200).extract().jsonPath();
        List<String> targets = timeline.getList("entries.target", String.class);
        assertFalse(targets.isEmpty());
        assertTrue(targets.stream().allMatch(t -> t.equals("local/" + mine) || t.startsWith("local/" + mine + "/")),
                "only that VM: " + targets);
        assertTrue(timeline.getList("entries.action", String.class).contains("inventory.sync"));
        assertTrue(timeline.getList("entries.jobState", String.class).contains("SUCCEEDED"), "jobs are in it");

        // Another user: not their VM (404, like the VM itself), not their timeline (403).
        as(bob).get(vmPath(mine) + "/timeline").then().statusCode(404);
        as(bob).get("/api/users/" + alice + "/timeline").then().statusCode(403);
        // Auditors read both; the user reads their own.
        as(auditor).get(vmPath(mine) + "/timeline").then().statusCode(200);
        List<String> actors = as(alice).get("/api/users/" + alice + "/timeline").then().statusCode(200).extract()
                .jsonPath().getList("entries.actor", String.class);
        assertFalse(actors.isEmpty());
        assertTrue(actors.stream().allMatch(alice::equals), actors.toString());
        assertTrue(as(auditor).get("/api/users/" + alice + "/timeline").then().statusCode(200).extract().jsonPath()
                .getList("entries.category", String.class).contains("warning"), "the refused convert is a warning");
        LibvirtHost.tryVirsh("undefine", mine);
    }
}
