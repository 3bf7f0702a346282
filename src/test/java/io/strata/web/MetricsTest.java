package io.strata.web;

import static io.restassured.RestAssured.given;
import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitSuccess;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.strata.support.Api;

/**
 * /q/metrics (issue 14): who may read it, and that the counters move when a job runs on a host
 * (an inventory sync of the test:///default host: a cheap job that makes real libvirt calls).
 */
@QuarkusTest
class MetricsTest {

    @Test
    void onlyAdminsAndScrapeAccountsReadTheMetrics() {
        given().get("/q/metrics").then().statusCode(401);
        String user = Api.newUser("metricsuser", "user");
        basic(user).get("/q/metrics").then().statusCode(403);
        String auditor = Api.newUser("metricsauditor", "auditor", "operator");
        basic(auditor).get("/q/metrics").then().statusCode(403);
        String scrape = Api.newUser("scrape", "metrics");
        basic(scrape).get("/q/metrics").then().statusCode(200);
        basic(Api.ADMIN).get("/q/metrics").then().statusCode(200);
        // The scrape account may read nothing else.
        as(scrape).get("/api/hosts").then().statusCode(403);
    }

    @Test
    void aJobMovesTheJobLibvirtAuditAndLoginCounters() {
        String scrape = Api.newUser("scrape", "metrics");
        String before = scrape(scrape);

        long job = as(Api.ADMIN).post("/api/hosts/test/sync").then().statusCode(202).extract().jsonPath().getLong("jobId");
        awaitSuccess(Api.ADMIN, job);
        given().auth().preemptive().basic(scrape, "not-the-password").get("/q/metrics").then().statusCode(401);

        String after = scrape(scrape);
        assertMoved(before, after, "strata_jobs_ended_total", "kind=\"INVENTORY_SYNC\"", "state=\"SUCCEEDED\"");
        assertMoved(before, after, "strata_job_duration_seconds_count", "kind=\"INVENTORY_SYNC\"", "outcome=\"SUCCEEDED\"");
        assertMoved(before, after, "strata_libvirt_calls_seconds_count", "host=\"test\"", "outcome=\"ok\"");
        assertMoved(before, after, "strata_audit_appends_total", "outcome=\"ACCEPTED\"");
        assertMoved(before, after, "strata_audit_appends_total", "outcome=\"SUCCESS\"");
        assertMoved(before, after, "strata_login_failures_total", "reason=\"wrong_password\"");

        // Gauges are there for every kind, read from the job table; nothing is queued or running now.
        assertTrue(value(after, "strata_jobs", "kind=\"SNAPSHOT_CREATE\"", "state=\"QUEUED\"") >= 0);
        assertTrue(value(after, "strata_jobs_queue_depth") >= 0);
        for (String level : new String[] { "ok", "warn", "critical" }) {
            assertTrue(value(after, "strata_snapshots", "health=\"" + level + "\"") >= 0, "strata_snapshots " + level);
        }
        // Label values are bounded: no user name (nor the failed login's) is ever one.
        assertFalse(after.contains(scrape), "a user name in the metrics");
        assertFalse(after.contains("not-the-password"));
    }

    /** As a scraper asks: HTTP Basic, any content type. */
    private static io.restassured.specification.RequestSpecification basic(String account) {
        return given().auth().preemptive().basic(account, Api.passwordOf(account));
    }

    private static String scrape(String account) {
        return basic(account).get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static void assertMoved(String before, String after, String name, String... labels) {
        double b = valueOrZero(before, name, labels);
        double a = value(after, name, labels);
        assertTrue(a > b, name + " " + String.join(",", labels) + " did not move: " + b + " → " + a);
    }

    private static double valueOrZero(String text, String name, String... labels) {
        Double v = sum(text, name, labels);
        return v == null ? 0 : v;
    }

    /** The sum over the series of {@code name} whose labels include all of {@code labels}; fails when none. */
    private static double value(String text, String name, String... labels) {
        Double v = sum(text, name, labels);
        assertTrue(v != null, "no series " + name + " " + String.join(",", labels));
        return v;
    }

    private static Double sum(String text, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        Double total = null;
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String want : labels) {
                all &= l.contains(want);
            }
            if (all) {
                total = (total == null ? 0 : total) + Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
