package io.strata.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.response.Response;
import io.strata.support.Api;
import io.strata.support.TestDatabase;

/**
 * Sessions end on the server: logout, a password change, a role change and disabling the
 * account each make every earlier session cookie useless (also a copied one); guessing is throttled.
 */
@QuarkusTest
class SessionsTest {

    @Inject
    AccessAudit accessAudit;

    /** A form login through the login page (with its CSRF token); the session's cookies. */
    static Map<String, String> login(String user, String password) {
        Response r = Api.postLoginForm(new CookieFilter(), user, password);
        assertEquals(302, r.statusCode());
        return r.getCookies();
    }

    static boolean sessionWorks(Map<String, String> cookies) {
        return given().cookies(cookies).redirects().follow(false).get("/jobs").statusCode() == 200;
    }

    static int basic(String user, String password) {
        return given().auth().preemptive().basic(user, password).get("/api/hosts").statusCode();
    }

    @Test
    void aLoginFormWithoutItsCsrfTokenLogsNobodyIn() {
        String kim = Api.newUser("kim", "user");
        // Another site's form: the right password, but no token (and no CSRF cookie of Strata's).
        Response forged = given().redirects().follow(false).formParam("j_username", kim).formParam("j_password", Api.passwordOf(kim))
                .post("/j_security_check");
        assertEquals(302, forged.statusCode());
        assertTrue(forged.getHeader("Location").contains("error"), "refused: " + forged.getHeader("Location"));
        assertTrue(!forged.getCookies().containsKey("strata-session"), "no session cookie");
        // A token of its own making with a cookie it cannot set: the browser's cookie does not match.
        CookieFilter browser = new CookieFilter();
        given().filter(browser).get("/login").then().statusCode(200);
        Response wrong = given().filter(browser).redirects().follow(false).formParam("j_username", kim)
                .formParam("j_password", Api.passwordOf(kim)).formParam("csrf-token", "made-up").post("/j_security_check");
        assertTrue(wrong.getHeader("Location").contains("error"), "a wrong token is refused too");
        accessAudit.drain();
        assertEquals(2, TestDatabase.queryLong("SELECT coalesce(sum(CASE WHEN details ~ '^[0-9]+ times' "
                + "THEN split_part(details, ' ', 1)::int ELSE 1 END), 0) FROM audit_event WHERE action = 'login' AND actor = ? "
                + "AND outcome = 'DENIED' AND details LIKE '%CSRF token missing or wrong%'", kim), "both refusals audited with the reason");
        // The login page's own form logs in.
        assertTrue(sessionWorks(login(kim, Api.passwordOf(kim))));
    }

    @Test
    void theLoginCookieKeyIsKeptInAFileAndNeverLogged() {
        var key = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.auth.session.encryption-key", String.class);
        assertTrue(key.isPresent() && key.get().length() >= 32, "Quarkus gets a session key without STRATA_SESSION_KEY");
        if (System.getenv("STRATA_SESSION_KEY") == null) {
            assertEquals(SessionKeyFile.readOrCreate(java.nio.file.Path.of(SessionKeyFile.DEFAULT_FILE)), key.get(),
                    "the key of " + SessionKeyFile.DEFAULT_FILE);
        }
    }

    @Test
    void logoutEndsEverySessionOfTheAccountAlsoACopiedCookie() {
        String erin = Api.newUser("erin", "user");
        Map<String, String> laptop = login(erin, Api.passwordOf(erin));
        Map<String, String> stolen = Map.copyOf(laptop);
        assertTrue(sessionWorks(laptop) && sessionWorks(stolen));
        Response jobs = given().cookies(laptop).get("/jobs").then().statusCode(200).extract().response();
        String page = jobs.asString();
        Matcher m = Pattern.compile("action=\"/logout\"><input type=\"hidden\" name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find(), "the header has a logout form with a CSRF token");
        Response out = given().cookies(laptop).cookies(jobs.getCookies())
                .redirects().follow(false).formParam("csrf-token", m.group(1)).post("/logout");
        assertEquals(303, out.statusCode(), out.asString());
        assertTrue(!sessionWorks(stolen), "the copied cookie is dead after logout");
        // A logout cannot be forced from another site: a GET does nothing, a POST without the token is refused.
        Map<String, String> again = login(erin, Api.passwordOf(erin));
        given().cookies(again).redirects().follow(false).get("/logout").then().statusCode(405);
        given().cookies(again).redirects().follow(false).formParam("x", "1").post("/logout").then().statusCode(400);
        assertTrue(sessionWorks(again));
        assertTrue(TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'user.logout' AND actor = ?", erin) == 1);
    }

    @Test
    void aPasswordChangeEndsSessionsAndOldCredentials() {
        String gus = Api.newUser("gus", "user");
        String old = Api.passwordOf(gus);
        Map<String, String> session = login(gus, old);
        assertEquals(200, basic(gus, old));
        Api.as(gus).body(Map.of("current", "wrong-password", "password", "new-password-1")).put("/api/users/" + gus + "/password")
                .then().statusCode(403);
        Api.as(gus).body(Map.of("current", old, "password", "short")).put("/api/users/" + gus + "/password").then().statusCode(400);
        Api.as(gus).body(Map.of("current", old, "password", "new-password-1")).put("/api/users/" + gus + "/password")
                .then().statusCode(204);
        assertTrue(!sessionWorks(session), "the session before the change is over");
        assertEquals(401, basic(gus, old), "the old password is not remembered");
        assertEquals(200, basic(gus, "new-password-1"));
        String other = Api.newUser("hal", "user");
        Api.as(other).body(Map.of("current", Api.passwordOf(other), "password", "hijacked-123")).put("/api/users/" + gus + "/password")
                .then().statusCode(403);
        assertEquals(3, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'user.password' AND target = ? "
                + "AND outcome IN ('REFUSED', 'DENIED')", gus), "the three refusals audited (two of gus's, hal's)");
    }

    @Test
    void disablingAndRoleChangesEndSessions() {
        String admin = Api.newUser("admin", "admin");
        String ida = Api.newUser("ida", "operator");
        Map<String, String> session = login(ida, Api.passwordOf(ida));
        Api.as(admin).body(Map.of("roles", java.util.List.of("user"))).put("/api/users/" + ida + "/roles").then().statusCode(200);
        assertTrue(!sessionWorks(session), "a role change ends the session");
        session = login(ida, Api.passwordOf(ida));
        assertTrue(sessionWorks(session));
        Api.as(ida).body(Map.of("disabled", true)).put("/api/users/" + ida + "/disabled").then().statusCode(403);
        Api.as(admin).body(Map.of("disabled", true)).put("/api/users/" + ida + "/disabled").then().statusCode(200);
        assertTrue(!sessionWorks(session), "disabling ends the session");
        assertEquals(401, basic(ida, Api.passwordOf(ida)), "and Basic");
        Response r = Api.postLoginForm(new CookieFilter(), ida, Api.passwordOf(ida));
        assertTrue(r.getHeader("Location").contains("error"), "and form login");
        Api.as(admin).body(Map.of("disabled", false)).put("/api/users/" + ida + "/disabled").then().statusCode(200);
        assertEquals(200, basic(ida, Api.passwordOf(ida)));
    }

    @Test
    void guessingLocksTheAccountEvenForTheRightPassword() {
        String jo = Api.newUser("jo", "user");
        for (int i = 0; i < LoginThrottle.ACCOUNT_FREE; i++) {
            assertEquals(401, basic(jo, "guess-" + i));
        }
        assertEquals(401, basic(jo, Api.passwordOf(jo)), "locked: the right password is not confirmed");
        assertEquals(401, basic("nobody-" + System.nanoTime(), "whatever"), "an unknown name fails the same way");
        accessAudit.drain();
        // Six failures of one name from one address: tallied into one event with the count (two if
        // the ten-second flush fell between them), not six.
        long events = TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = 'login' AND actor = ? "
                + "AND outcome = 'DENIED'", jo);
        long failures = TestDatabase.queryLong("SELECT coalesce(sum(CASE WHEN details ~ '^[0-9]+ times' "
                + "THEN split_part(details, ' ', 1)::int ELSE 1 END), 0) FROM audit_event WHERE action = 'login' AND actor = ? "
                + "AND outcome = 'DENIED'", jo);
        assertEquals(LoginThrottle.ACCOUNT_FREE + 1, failures, "every failed login counted");
        assertTrue(events >= 1 && events <= 2, "coalesced into " + events + " event(s)");
    }
}
