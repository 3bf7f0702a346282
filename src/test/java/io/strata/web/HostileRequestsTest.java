package io.strata.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.strata.auth.AccessAudit;
import io.strata.support.Api;
import io.strata.support.LibvirtHost;
import io.strata.support.TestDatabase;
import io.strata.support.VmBuilder;

/**
 * Part 3 of issue 12: several hundred hostile requests generated from the live OpenAPI document
 * ({@link HostileProbes}) against every endpoint, by every role, with Basic and cookie
 * authentication. Asserts that none answers 5xx, that nothing changed on the host or in the
 * database ({@link SideEffects}; the audit log only grew) and that every refusal left an audit
 * event. The only refusals without one are reads (GET) that the router matched to no endpoint
 * at all, because a hostile path value made a different URL: a read of nothing, answered before
 * any Strata code runs (see README, Security). Prints the numbers.
 */
@QuarkusTest
class HostileRequestsTest {

    static final long SEED = Long.getLong("strata.hostile.seed", System.nanoTime());

    @Inject
    AccessAudit accessAudit;
    @Inject
    io.strata.hygiene.HygieneScan hygieneScan;

    private final Map<String, CookieFilter> sessions = new HashMap<>();
    private final Map<String, String> tokens = new HashMap<>();

    @Test
    void hostileRequestsAreRefusedAuditedAndChangeNothing() {
        String alice = Api.newUser("hostile-alice", "user");
        String bob = Api.newUser("hostile-bob", "user");
        String operator = Api.newUser("hostile-oper", "operator");
        String auditor = Api.newUser("hostile-aud", "auditor");
        String admin = Api.newUser("hostile-adm", "admin");
        String bobVm = VmBuilder.defineVm("hostile-bob", bob);
        LibvirtHost.virsh("snapshot-create-as", bobVm, "s1");
        String aliceVm = VmBuilder.defineVm("hostile-alice", alice);
        long bobJob = Api.as(bob).post(Api.vmPath(bobVm) + "/sync").then().statusCode(202).extract().jsonPath().getLong("jobId");
        Api.awaitJob(bob, bobJob);
        long bobBatch = TestDatabase.queryLong("INSERT INTO provision_batch(host, template, method, name_pattern, count, actor) "
                + "VALUES ('local', 'template-none', 'thin', 'x-{n}', 1, ?) RETURNING id", bob);
        // Warm the inventory for both VMs, so that reads do not count as changes.
        Api.as(bob).get(Api.vmPath(bobVm)).then().statusCode(200);
        Api.as(alice).get(Api.vmPath(aliceVm)).then().statusCode(200);
        Api.as(bob).get(Api.vmPath(bobVm) + "/snapshots").then().statusCode(200);

        JsonNode doc = readOpenApi();
        Map<String, String> values = new HashMap<>(Map.of("host", "local", "vm", bobVm, "snap", "s1", "target", "vda",
                "template", "template-" + LibvirtHost.PREFIX + "none", "id", Long.toString(bobJob), "name", bob,
                "username", bob));
        values.put("/api/batches/{id}#id", Long.toString(bobBatch));
        values.put("/batches/{id}#id", Long.toString(bobBatch));
        // The caller's own report mail settings (API and page) change whoever calls: probed with bad bodies,
        // and forged tokens, only.
        HostileProbes.Objects objects = new HostileProbes.Objects(values, alice, operator, auditor, admin,
                java.util.Set.of("PUT /api/reports/mail-settings", "POST /reports/mail-settings"));
        List<HostileProbes.Probe> probes = new HostileProbes(doc, objects, SEED).generate();
        for (String u : List.of(alice, bob)) {
            session(u);
        }

        // The hygiene scan records what it finds 30 s after the start and then every interval: run it now,
        // so that its first run (with nothing new to record) does not land between the two snapshots.
        hygieneScan.scan();
        List<String> vms = List.of(bobVm, aliceVm);
        SideEffects before = SideEffects.take(vms);
        long auditBefore = TestDatabase.queryLong("SELECT coalesce(max(seq), 0) FROM audit_event");
        String auditDigestBefore = auditDigest(auditBefore);

        Map<Integer, Integer> byStatus = new TreeMap<>();
        Map<String, Integer> byOperation = new TreeMap<>();
        List<String> serverErrors = new ArrayList<>();
        List<String> unaudited = new ArrayList<>();
        int refusals = 0;
        int audited = 0;
        int unroutedReads = 0;
        int uriTooLong = 0;
        List<String> accepted = new ArrayList<>();
        long started = System.nanoTime();
        for (HostileProbes.Probe p : probes) {
            long mark = TestDatabase.queryLong("SELECT coalesce(max(seq), 0) FROM audit_event");
            int status = send(p);
            byStatus.merge(status, 1, Integer::sum);
            byOperation.merge(p.operation(), 1, Integer::sum);
            String line = status + " " + p.method() + " " + abbreviate(p.path()) + " [" + p.category() + ", "
                    + (p.caller() == null ? "anonymous" : p.caller()) + "]";
            if (status >= 500) {
                serverErrors.add(line);
            }
            boolean forgedForm = p.category().startsWith("page form, CSRF") && !p.category().endsWith("good");
            if (status < 300 && !p.method().equals("GET") || forgedForm && status < 400) {
                accepted.add(line); // (a page form with a missing or forged token must be refused, not redirected)
            }
            if (status >= 400) {
                refusals++;
                accessAudit.drain();
                long events = TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE seq > ? "
                        + "AND outcome IN ('DENIED', 'REFUSED', 'FAILED')", mark);
                if (events > 0) {
                    audited++;
                } else if (status == 404 && p.method().equals("GET") && p.mayUnroute()) {
                    unroutedReads++;
                } else if (status == 414) {
                    uriTooLong++; // Vert.x's HTTP decoder: the request line is over 4096 bytes, no request exists
                } else {
                    unaudited.add(line);
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        accessAudit.drain();
        SideEffects after = SideEffects.take(vms);

        System.out.printf("HOSTILE seed=%d requests=%d endpoints=%d (of %d in the document) in %.1f s%n", SEED, probes.size(),
                byOperation.size(), HostileProbes.operations(doc).size(), seconds);
        System.out.println("HOSTILE by status: " + byStatus);
        System.out.printf("HOSTILE refusals=%d audited=%d unrouted-reads(not audited, by design)=%d"
                + " uri-too-long(not audited, before any request exists)=%d unaudited=%d 5xx=%d%n",
                refusals, audited, unroutedReads, uriTooLong, unaudited.size(), serverErrors.size());
        System.out.println("HOSTILE by endpoint: " + byOperation);
        serverErrors.forEach(l -> System.out.println("HOSTILE 5xx: " + l));
        unaudited.forEach(l -> System.out.println("HOSTILE unaudited: " + l));
        accepted.forEach(l -> System.out.println("HOSTILE accepted change: " + l));

        String auditAfter = auditDigest(auditBefore);
        org.junit.jupiter.api.Assertions.assertAll(
                () -> assertTrue(probes.size() >= 300, "at least 300 hostile requests: " + probes.size()),
                () -> assertEquals(HostileProbes.operations(doc).size(), byOperation.size(), "every endpoint of the document"),
                () -> assertEquals(List.of(), serverErrors, "no 5xx"),
                () -> assertEquals(List.of(), accepted, "no hostile change accepted"),
                () -> assertEquals(List.of(), unaudited, "every refusal audited"),
                () -> assertEquals(before.domains(), after.domains(), "libvirt's domains"),
                () -> assertEquals(before.snapshots(), after.snapshots(), "the test VMs' snapshots"),
                () -> assertEquals(before.files(), after.files(), "files and sizes under the run's storage directory"),
                () -> assertEquals(before.imageDirNames(), after.imageDirNames(), "names in the image directory"),
                () -> assertEquals(before.tables(), after.tables(), "database tables (all but the audit log)"),
                () -> assertEquals(auditDigestBefore, auditAfter, "the audit log only grew"));
    }

    /** Sends one probe the way its caller would; returns the status. */
    private int send(HostileProbes.Probe p) {
        RequestSpecification r = given().redirects().follow(false).urlEncodingEnabled(false);
        String caller = p.caller();
        boolean page = !p.path().startsWith("/api");
        if (caller != null && caller.startsWith("@")) {
            r = r.filter(session(caller.substring(1)));
        } else if (caller != null && caller.startsWith("!")) {
            r = r.auth().preemptive().basic(caller.substring(1), "wrong-" + UUID.randomUUID());
        } else if (caller != null) {
            r = r.auth().preemptive().basic(caller, Api.passwordOf(caller));
        }
        for (Map.Entry<String, String> q : p.query().entrySet()) {
            r = r.queryParam(q.getKey(), HostileProbes.encode(q.getValue()));
        }
        boolean changes = !p.method().equals("GET") && !p.method().equals("HEAD");
        if (page && changes) {
            r = pageForm(r, p);
        } else if (p.body() != null && p.body().startsWith("text/plain:")) {
            r = r.contentType("text/plain").body(p.body().substring("text/plain:".length()));
        } else if (p.body() != null) {
            r = r.contentType("application/json").body(p.body());
        } else if (changes) {
            r = r.contentType("application/json");
        }
        try {
            Response resp = r.request(p.method(), p.path());
            return resp.statusCode();
        } catch (Exception e) {
            // An oversized body: the server answers 413 and closes the connection as soon as the
            // limit is passed, and the client may still be writing (broken pipe, reset). That is
            // the server's refusal; its audit event is checked like any other.
            if (p.body() != null && p.body().length() > 1_000_000 && rootCause(e) instanceof java.net.SocketException) {
                return 413;
            }
            throw e;
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** A page form post with the CSRF token the probe asks for. */
    private RequestSpecification pageForm(RequestSpecification r, HostileProbes.Probe p) {
        String alice = p.caller() == null ? null : p.caller().substring(1);
        String forged = UUID.randomUUID().toString().replace("-", "");
        String token = switch (p.body()) {
            case "none" -> null;
            case "forged" -> forged;
            case "forged-cookie" -> forged;
            case "other-session" -> tokens.get(otherThan(alice));
            default -> alice == null ? forged : tokens.get(alice);
        };
        if (p.body().equals("forged-cookie")) {
            // Double submit with a cookie of the attacker's own: only a sibling site can set one, and
            // a browser marks its post as such.
            r = r.cookie("csrf-token", forged).header("Sec-Fetch-Site", "same-site");
        }
        r = r.contentType("application/x-www-form-urlencoded; charset=UTF-8");
        String form = "name=probe&description=%3Cscript%3E&owner=x&username=x&password=x&uri=x";
        return r.body(token == null ? form : form + "&csrf-token=" + token);
    }

    private String otherThan(String user) {
        return tokens.keySet().stream().filter(u -> !u.equals(user)).findFirst().orElseThrow();
    }

    /** A logged-in page session of the user, and its CSRF token (read from a page's form). */
    private CookieFilter session(String user) {
        return sessions.computeIfAbsent(user, u -> {
            CookieFilter cookies = PagesTest.login(u, Api.passwordOf(u));
            String html = given().filter(cookies).get("/jobs").then().statusCode(200).extract().asString();
            Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(html);
            assertTrue(m.find(), "the jobs page has a form with a CSRF token");
            tokens.put(u, m.group(1));
            return cookies;
        });
    }

    private static JsonNode readOpenApi() {
        String text = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "hostile-openapi.json"), text);
            return HostileProbes.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("the OpenAPI document is not JSON", e);
        }
    }

    /** A digest of the audit rows that existed before: they must stay exactly as they were. */
    private static String auditDigest(long upTo) {
        try (var c = TestDatabase.connect(); var s = c.prepareStatement("SELECT count(*) || ':' || md5(string_agg(x::text, '|' "
                + "ORDER BY x.seq)) FROM audit_event x WHERE seq <= ?")) {
            s.setLong(1, upTo);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
