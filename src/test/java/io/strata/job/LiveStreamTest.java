package io.strata.job;

import static io.strata.support.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.strata.support.Api;
import io.strata.support.LibvirtHost;
import io.strata.support.TestDatabase;
import io.strata.support.VmBuilder;

/**
 * Live pages: the job page's server-sent events, read as a browser's EventSource reads them, while
 * a real job runs on qemu:///system (a graceful shutdown of a VM with no guest OS, which ignores
 * ACPI: the job waits, reporting progress each second, until it is cancelled). The stream pushes
 * each change, ends at the final state, is refused to another user, and is capped per user.
 */
@QuarkusTest
class LiveStreamTest {

    @TestHTTPResource("/")
    URI base;

    /** One server-sent event: its name and its data lines joined by newlines. */
    record Event(String name, String data) {
    }

    /** The end of the stream, as an event no server sends. */
    static final Event EOF = new Event("(eof)", "");

    /** A browser session: form login, cookies kept. */
    final class Browser {
        final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(30)).build();

        Browser(String user) throws Exception {
            // The login form's CSRF token (and its cookie) first, as a browser gets them.
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(base.resolve("/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            java.util.regex.Matcher token = java.util.regex.Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"")
                    .matcher(login.body());
            assertTrue(token.find(), "the login page has a CSRF token");
            String form = "j_username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&j_password="
                    + URLEncoder.encode(Api.passwordOf(user), StandardCharsets.UTF_8)
                    + "&csrf-token=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/j_security_check"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(302, r.statusCode(), "logged in");
        }

        String page(String path) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path);
            return r.body();
        }

        /** Opens a stream; the status says whether it was accepted. */
        Sse open(String path) throws Exception {
            return open(path, "en");
        }

        /** Opens a stream as a browser that reads the given language first. */
        Sse open(String path, String acceptLanguage) throws Exception {
            HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Accept", "text/event-stream").header("Accept-Language", acceptLanguage).build(),
                    HttpResponse.BodyHandlers.ofLines());
            return new Sse(r);
        }
    }

    /** An open event stream, read on a thread of its own into a queue. */
    static final class Sse implements AutoCloseable {
        final HttpResponse<Stream<String>> response;
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

        Sse(HttpResponse<Stream<String>> response) {
            this.response = response;
            if (response.statusCode() != 200) {
                response.body().close();
                return;
            }
            Thread t = new Thread(() -> {
                String name = "message";
                List<String> data = new ArrayList<>();
                try (Stream<String> lines = response.body()) {
                    for (String line : (Iterable<String>) lines::iterator) {
                        if (line.isEmpty()) {
                            if (!data.isEmpty()) {
                                events.add(new Event(name, String.join("\n", data)));
                            }
                            name = "message";
                            data = new ArrayList<>();
                        } else if (line.startsWith("event:")) {
                            name = line.substring(6).strip();
                        } else if (line.startsWith("data:")) {
                            String d = line.substring(5);
                            data.add(d.startsWith(" ") ? d.substring(1) : d);
                        }
                    }
                } catch (RuntimeException closed) {
                    // the test closed the stream
                }
                events.add(EOF);
            }, "sse-reader");
            t.setDaemon(true);
            t.start();
        }

        int status() {
            return response.statusCode();
        }

        /** The next event within the time, or fails. */
        Event next(int seconds) throws InterruptedException {
            Event e = events.poll(seconds, TimeUnit.SECONDS);
            assertNotNull(e, "an event within " + seconds + " s");
            return e;
        }

        /** Reads events until one matches; fails at EOF or after the time. */
        Event until(int seconds, java.util.function.Predicate<Event> wanted, List<Event> seen) throws InterruptedException {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                Event e = events.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
                if (e == null) {
                    break;
                }
                seen.add(e);
                assertFalse(e == EOF, "the stream ended early; saw " + seen);
                if (wanted.test(e)) {
                    return e;
                }
            }
            throw new AssertionError("no such event within " + seconds + " s; saw " + seen);
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    static long post(String user, String vm, String op, Map<String, ?> body) {
        return as(user).body(body).post(Api.vmPath(vm) + "/" + op).then().statusCode(202).extract().jsonPath().getLong("jobId");
    }

    private static long audited(String actor, String action, String outcome) {
        return TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE actor = ? AND action = ? AND outcome = ?",
                actor, action, outcome);
    }

    @Test
    void aJobPageIsPushedEachChangeAndItsStreamEndsAtTheFinalState() throws Exception {
        String owner = Api.newUser("live-owner", "user");
        String other = Api.newUser("live-other", "user");
        String vm = VmBuilder.defineVm("livestream", owner);
        LibvirtHost.virsh("start", vm);
        try {
            // No guest OS answers ACPI: the job waits, with progress each second, until cancelled.
            long job = post(owner, vm, "shutdown", Map.of("timeoutSeconds", 300, "mode", "acpi"));
            Browser browser = new Browser(owner);
            String page = browser.page("/jobs/" + job);
            assertTrue(page.contains("sse-connect=\"/jobs/" + job + "/events\"") && page.contains("sse-swap=\"job-" + job + "\""),
                    "the page of an active job names its stream");
            assertTrue(page.contains("<noscript><meta http-equiv=\"refresh\""), "without script the page reloads itself");

            List<Event> seen = new ArrayList<>();
            try (Sse stream = browser.open("/jobs/" + job + "/events")) {
                assertEquals(200, stream.status());
                assertTrue(stream.response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
                Event first = stream.next(60);
                assertEquals("job-" + job, first.name(), "the current state comes at once");
                assertTrue(first.data().contains("id=\"job-live\""), first.data());
                // Progress is pushed as the job reports it: two different RUNNING fragments with the phrase.
                Event running = stream.until(90, e -> e.data().contains(">RUNNING<") && e.data().contains("waiting for"), seen);
                Event later = stream.until(30, e -> e.data().contains(">RUNNING<") && !e.data().equals(running.data()), seen);
                assertTrue(later.data().contains("<progress max=\"100\" value=\""), later.data());
                assertTrue(later.data().contains("name=\"csrf-token\" value=\"") && !later.data().contains("value=\"\""),
                        "the cancel form in a pushed fragment carries the page's CSRF token");

                // Another user: no such job, for the stream as for the page; audited.
                long deniedBefore = audited(other, "job.read", "DENIED");
                Browser stranger = new Browser(other);
                try (Sse theirs = stranger.open("/jobs/" + job + "/events")) {
                    assertEquals(404, theirs.status());
                }
                try (Sse theirs = stranger.open("/jobs/events?id=" + job)) {
                    assertEquals(404, theirs.status());
                }
                assertEquals(deniedBefore + 2, audited(other, "job.read", "DENIED"));

                // The VM list shows the job's progress inline, through one stream for the page.
                String list = browser.page("/vms");
                assertTrue(list.contains("sse-connect=\"/jobs/events?id=" + job + "\"") && list.contains("sse-swap=\"job-" + job + "\""),
                        "the VM list names the stream of its running jobs");
                assertTrue(browser.page("/vms/local/" + vm).contains("sse-connect=\"/jobs/events?id=" + job + "\""),
                        "so does the VM's page");
                try (Sse inline = browser.open("/jobs/events?id=" + job)) {
                    assertEquals(200, inline.status());
                    Event bar = inline.next(60);
                    assertEquals("job-" + job, bar.name());
                    assertTrue(bar.data().contains("<progress max=\"100\"") && bar.data().contains("href=\"/jobs/" + job + "\""),
                            bar.data());

                    try (Sse third = browser.open("/jobs/" + job + "/events")) {
                        assertEquals(200, third.status());
                        assertEquals("job-" + job, third.next(60).name());
                        // Three streams are open (the test profile's cap): the fourth is refused, and audited.
                        long refusedBefore = audited(owner, "job.stream", "REFUSED");
                        try (Sse fourth = browser.open("/jobs/" + job + "/events")) {
                            assertEquals(429, fourth.status());
                        }
                        assertEquals(refusedBefore + 1, audited(owner, "job.stream", "REFUSED"));
                    }
                    // Closing a stream gives its place back (the server notices the closed connection).
                    assertTrue(acceptedWithin(browser, "/jobs/" + job + "/events", 30), "a closed stream's place is given back");
                }

                // Cancel: pushed at once, then the final state, then "end", then the stream closes.
                as(owner).post("/api/jobs/" + job + "/cancel").then().statusCode(200);
                Event last = stream.until(60, e -> e.data().contains(">CANCELLED<"), seen);
                assertFalse(last.data().contains("Cancel job"), "a final job offers no cancel");
                assertEquals("end", stream.next(30).name());
                assertEquals(EOF, stream.next(30), "the stream closes after end");
            }
            // A stream opened after the end sends the final state and ends at once (a reconnect is harmless).
            try (Sse again = browser.open("/jobs/" + job + "/events")) {
                Event e = again.next(60);
                assertTrue(e.data().contains(">CANCELLED<"), e.data());
                assertEquals("end", again.next(30).name());
                assertEquals(EOF, again.next(30));
            }
            assertFalse(browser.page("/jobs/" + job).contains("sse-connect"), "a final job's page has no stream");
        } finally {
            LibvirtHost.tryVirsh("destroy", vm);
        }
    }

    /**
     * A change committed by another node (here: another connection, as that node's worker would
     * write it) reaches this node's stream through LISTEN/NOTIFY; the test profile's safety re-read
     * is ten minutes away, so only the notification can have delivered it.
     */
    @Test
    void aChangeMadeByAnotherNodeIsPushedThroughItsNotification() throws Exception {
        String owner = Api.newUser("live-node", "user");
        // A queued host job no worker here takes (claims skip rows whose cancel flag is set).
        long job = TestDatabase.queryLong("INSERT INTO job(kind, state, host, actor, cancel_requested) "
                + "VALUES ('INVENTORY_SYNC', 'QUEUED', 'test', ?, true) RETURNING id", owner);
        Browser browser = new Browser(owner);
        List<Event> seen = new ArrayList<>();
        try (Sse stream = browser.open("/jobs/" + job + "/events")) {
            assertEquals(200, stream.status());
            assertTrue(stream.next(60).data().contains(">QUEUED<"));
            assertEquals(1, TestDatabase.queryLong("WITH u AS (UPDATE job SET progress = 42, progress_text = 'written by another node'"
                    + " WHERE id = ? RETURNING id) SELECT count(*) FROM u", job));
            TestDatabase.queryLong("SELECT count(*) FROM (SELECT pg_notify('" + JobNotices.CHANGED + "', ?)) n", String.valueOf(job));
            Event e = stream.until(60, x -> x.data().contains("written by another node"), seen);
            assertTrue(e.data().contains("value=\"42\""), e.data());
            // A Chinese reader's streams are drawn in Chinese, though off the request that opened them.
            try (Sse zh = browser.open("/jobs/" + job + "/events", "zh-TW,zh;q=0.9,en;q=0.8");
                    Sse zhInline = browser.open("/jobs/events?id=" + job, "zh-TW")) {
                Event card = zh.next(60);
                assertTrue(card.data().contains("狀態：") && card.data().contains(">排隊中<")
                        && card.data().contains(">取消作業</button>"), card.data());
                assertFalse(card.data().contains("State:"), card.data());
                Event bar = zhInline.next(60);
                assertTrue(bar.data().contains(">作業 " + job + "</a>"), bar.data());
            }
            assertTrue(e.data().contains("State:") && e.data().contains(">QUEUED<"), "the English stream stays English: " + e.data());
            // Its end, on this node: the cancel's notification ends the stream.
            as(owner).post("/api/jobs/" + job + "/cancel").then().statusCode(200);
            stream.until(60, x -> x.data().contains(">CANCELLED<"), seen);
            assertEquals("end", stream.next(30).name());
            assertEquals(EOF, stream.next(30));
        }
    }

    /**
     * A live page does not outlive its session: a logout (from another tab or browser), a password
     * change, and disabling the account each end the account's open streams within a few seconds
     * (strata.live.session-check), without "end" (the browser's reconnect then meets the login),
     * while the job itself goes on. (Before, they ran on up to strata.live.max-lifetime, 15 min.)
     */
    @Test
    void aStreamEndsWhenItsSessionEnds() throws Exception {
        String admin = Api.newUser("live-admin-s", "admin");
        for (String change : List.of("logout", "password", "disable")) {
            String user = Api.newUser("live-sess", "user");
            long job = TestDatabase.queryLong("INSERT INTO job(kind, state, host, actor, cancel_requested) "
                    + "VALUES ('INVENTORY_SYNC', 'QUEUED', 'test', ?, true) RETURNING id", user);
            Browser browser = new Browser(user);
            try (Sse page = browser.open("/jobs/" + job + "/events"); Sse inline = browser.open("/jobs/events?id=" + job)) {
                assertEquals(200, page.status());
                assertEquals(200, inline.status());
                assertTrue(page.next(60).data().contains(">QUEUED<"));
                assertTrue(inline.next(60).name().equals("job-" + job));
                switch (change) {
                    case "logout" -> {
                        Browser other = new Browser(user);
                        java.util.regex.Matcher m = Pattern.compile("action=\"/logout\"><input type=\"hidden\" name=\"csrf-token\" value=\"([^\"]+)\"")
                                .matcher(other.page("/vms"));
                        assertTrue(m.find(), "the header's logout form");
                        HttpResponse<String> out = other.http.send(HttpRequest.newBuilder(base.resolve("/logout"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("csrf-token=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8)))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        assertTrue(out.statusCode() == 302 || out.statusCode() == 303, "logged out: " + out.statusCode());
                    }
                    case "password" -> as(admin).body(Map.of("password", "a brand new passphrase"))
                            .put("/api/users/" + user + "/password").then().statusCode(204);
                    default -> as(admin).body(Map.of("disabled", true)).put("/api/users/" + user + "/disabled")
                            .then().statusCode(200);
                }
                for (Sse s : List.of(page, inline)) {
                    List<Event> seen = new ArrayList<>();
                    Event e;
                    do {
                        e = s.events.poll(30, TimeUnit.SECONDS);
                        assertNotNull(e, change + ": the stream still runs 30 s later; saw " + seen);
                        seen.add(e);
                    } while (e != EOF);
                    assertFalse(seen.stream().anyMatch(x -> x.name().equals("end")), change + ": no end event: " + seen);
                }
            }
            assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM job WHERE id = ? AND state = 'QUEUED'", job), "the job goes on");
            as(admin).post("/api/jobs/" + job + "/cancel").then().statusCode(200);
        }
    }

    /** Retries while the cap still counts a stream that was closed a moment ago. */
    private static boolean acceptedWithin(Browser browser, String path, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            try (Sse s = browser.open(path)) {
                if (s.status() == 200) {
                    return true;
                }
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** The pages load htmx from the webjar, configured for the CSP, and carry no inline script or style. */
    @Test
    void pagesUseHtmxUnderTheContentSecurityPolicy() throws Exception {
        String admin = Api.newUser("live-admin", "admin");
        Browser browser = new Browser(admin);
        long job = as(admin).post("/api/hosts/test/sync").then().statusCode(202).extract().jsonPath().getLong("jobId");
        Api.awaitSuccess(admin, job);
        Pattern inlineScript = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>");
        Pattern inlineHandler = Pattern.compile("<[^>]*\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
        for (String path : List.of("/vms", "/jobs/" + job, "/vms/test/test", "/jobs", "/templates", "/reports", "/audit", "/admin")) {
            String html = browser.page(path);
            assertTrue(html.contains("src=\"/webjars/htmx.org/2.0.4/dist/htmx.min.js\"")
                    && html.contains("src=\"/webjars/htmx-ext-sse/2.2.2/sse.js\""), path + " loads htmx and its SSE extension");
            assertTrue(html.contains("\"includeIndicatorStyles\":false") && html.contains("\"allowEval\":false"),
                    path + " configures htmx for the CSP");
            assertFalse(inlineScript.matcher(html).find(), path + " has no inline script");
            assertFalse(inlineHandler.matcher(html).find(), path + " has no inline event handler (the CSP would block it)");
            assertFalse(html.contains("style=") || html.contains("hx-on") || html.contains("<style"), path + " has no inline style or handler");
        }
        assertFalse(browser.page("/jobs/" + job).contains("sse-connect"), "a finished job's page opens no stream");
        // The scripts are public (the login page loads them too) and are JavaScript.
        for (String js : List.of("/webjars/htmx.org/2.0.4/dist/htmx.min.js", "/webjars/htmx-ext-sse/2.2.2/sse.js", "/static/strata.js")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(js)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), js);
            assertTrue(r.headers().firstValue("Content-Type").orElse("").contains("javascript"), js);
        }
        // Many job ids in one stream are bounded; none at all is a bad request.
        try (Sse none = browser.open("/jobs/events")) {
            assertEquals(400, none.status());
        }
    }
}
