package io.strata.support;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * The JSON API as test users call it (HTTP Basic). Each test class makes its own accounts with
 * {@link #newUser}; {@link #ADMIN}, the first account the app creates at start, only makes them.
 */
public final class Api {

    /** The app's first account (strata.admin-password of the test profile); the maker of test accounts. */
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-test-password";

    private Api() {
    }

    public static String passwordOf(String user) {
        return user.equals(ADMIN) ? ADMIN_PASSWORD : user + "-password-1";
    }

    /**
     * Creates an account that no other test has: {@code <nickname>-<8 random hex digits>}, with the
     * given roles and the password {@link #passwordOf} gives for it. Fails unless it was created.
     */
    public static String newUser(String nickname, String... roles) {
        String user = nickname + "-" + UUID.randomUUID().toString().substring(0, 8);
        int status = as(ADMIN).body(Map.of("username", user, "password", passwordOf(user), "roles", List.of(roles)))
                .post("/api/users").statusCode();
        if (status != 201) {
            fail("could not create user " + user + ": " + status);
        }
        return user;
    }

    /**
     * Logs in as a browser does: reads the login page (which sets the CSRF cookie and puts the
     * token in the form), then posts the form with the token into the given cookie jar; asserts
     * the redirect of a successful login.
     */
    public static void loginInto(io.restassured.filter.cookie.CookieFilter cookies, String user, String password) {
        String location = postLoginForm(cookies, user, password).then().statusCode(302).extract().header("Location");
        if (location == null || location.contains("error")) {
            fail("login of " + user + " failed: " + location);
        }
    }

    /** The login form's post with the token of the login page read into {@code cookies}; the raw response. */
    public static io.restassured.response.Response postLoginForm(io.restassured.filter.cookie.CookieFilter cookies,
            String user, String password) {
        String page = given().filter(cookies).get("/login").then().statusCode(200).extract().asString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page);
        if (!m.find()) {
            fail("the login page has no CSRF token");
        }
        return given().filter(cookies).redirects().follow(false).formParam("j_username", user).formParam("j_password", password)
                .formParam("csrf-token", m.group(1)).post("/j_security_check");
    }

    public static RequestSpecification as(String user) {
        return given().auth().preemptive().basic(user, passwordOf(user)).contentType(ContentType.JSON)
                .accept(ContentType.JSON);
    }

    public static String vmPath(String vm) {
        return "/api/hosts/local/vms/" + vm;
    }

    /** POSTs a snapshot request and returns the job id (asserting 202). */
    public static long createSnapshot(String user, String vm, String name, String description) {
        return as(user).body(Map.of("name", name, "description", description, "kind", "internal"))
                .post(vmPath(vm) + "/snapshots").then().statusCode(202).extract().jsonPath().getLong("jobId");
    }

    /** POSTs an external snapshot request and returns the job id (asserting 202). */
    public static long createExternal(String user, String vm, String name) {
        return as(user).body(Map.of("name", name, "kind", "external"))
                .post(vmPath(vm) + "/snapshots").then().statusCode(202).extract().jsonPath().getLong("jobId");
    }

    /** Queues a revert (asserting 202) and returns the job id. */
    public static long revert(String user, String vm, String snapshot, boolean start) {
        return as(user).body(Map.of("start", start)).post(vmPath(vm) + "/snapshots/" + snapshot + "/revert")
                .then().statusCode(202).extract().jsonPath().getLong("jobId");
    }

    /** Queues a snapshot delete (asserting 202) and returns the job id. */
    public static long deleteSnapshot(String user, String vm, String snapshot) {
        return as(user).delete(vmPath(vm) + "/snapshots/" + snapshot).then().statusCode(202).extract().jsonPath()
                .getLong("jobId");
    }

    /**
     * Makes a job (inserted QUEUED with cancel_requested, so no worker takes it) look RUNNING on a
     * node that died an hour ago, waits until the reaper has interrupted and reconciled it, and
     * returns it with its reconcile's finding as result (or null after 20 s).
     */
    public static JsonPath reconciledAsIfItsWorkerDied(String admin, long jobId) {
        TestDatabase.queryLong("UPDATE job SET state = 'RUNNING', cancel_requested = false, worker = 'node-dead', "
                + "heartbeat_at = now() - interval '1 hour', started_at = now() - interval '1 hour', attempts = 1 "
                + "WHERE id = ? RETURNING id", jobId);
        JsonPath job = awaitJob(admin, jobId);
        org.junit.jupiter.api.Assertions.assertEquals("INTERRUPTED", job.getString("state"));
        long deadline = System.currentTimeMillis() + 20_000;
        while (job.getString("result") == null && System.currentTimeMillis() < deadline) {
            sleep(200);
            job = as(admin).get("/api/jobs/" + jobId).then().extract().jsonPath();
        }
        return job;
    }

    /** Polls the job until it has ended; returns its JSON. */
    public static JsonPath awaitJob(String user, long jobId) {
        long deadline = System.currentTimeMillis() + 600_000;
        while (System.currentTimeMillis() < deadline) {
            JsonPath j = as(user).get("/api/jobs/" + jobId).then().statusCode(200).extract().jsonPath();
            String state = j.getString("state");
            if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
                return j;
            }
            sleep(50);
        }
        throw new AssertionError("job " + jobId + " did not end in 600 s");
    }

    public static JsonPath awaitSuccess(String user, long jobId) {
        JsonPath j = awaitJob(user, jobId);
        if (!"SUCCEEDED".equals(j.getString("state"))) {
            fail("job " + jobId + " ended " + j.getString("state") + ": " + j.getString("error"));
        }
        return j;
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
