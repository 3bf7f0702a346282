package io.strata.hygiene;

import static io.strata.support.Api.as;
import static io.strata.support.Api.awaitSuccess;
import static io.strata.support.Api.vmPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import io.restassured.path.json.JsonPath;
import io.strata.support.Api;
import io.strata.support.TestDatabase;
import io.strata.support.VmBuilder;

/**
 * The snapshot policy API and page: admins change the global values, operators and admins a
 * VM's; bad values answer 400 with nothing changed; every change and refusal is audited.
 */
@QuarkusTest
class SnapshotPolicyApiTest {

    static final Map<String, Object> DEFAULTS = Map.of("ageWarnDays", 3, "ageCriticalDays", 14, "countWarn", 3,
            "countCritical", 8, "depthCritical", 5, "overlayWarnPercent", 50, "runningOnOldSnapshot", true,
            "leaseMaxDays", 30);

    String admin;
    String operator;
    String alice;

    @BeforeEach
    void users() {
        admin = Api.newUser("padmin", "admin");
        operator = Api.newUser("pop", "operator");
        alice = Api.newUser("palice", "user");
    }

    @AfterEach
    void restore() {
        as(admin).body(DEFAULTS).put("/api/policy/snapshots").then().statusCode(200);
    }

    static long audited(String action, String actor, String outcome) {
        return TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = ? AND actor = ? AND outcome = ?",
                action, actor, outcome);
    }

    @Test
    void badGlobalValuesAre400WithNothingChangedAndAudited() {
        JsonPath before = as(alice).get("/api/policy/snapshots").then().statusCode(200).extract().jsonPath();
        assertEquals(3, before.getInt("ageWarnDays"));
        assertEquals(14, before.getInt("ageCriticalDays"));
        String[] bad = {
            "{\"ageWarnDays\": -1}",
            "{\"ageCriticalDays\": 0}",
            "{\"ageWarnDays\": 20}",                       // above the critical 14
            "{\"countWarn\": 9}",                           // above the critical 8
            "{\"countWarn\": \"3\"}",
            "{\"overlayWarnPercent\": 12.5}",
            "{\"leaseMaxDays\": 1000000}",
            "{\"depthCritical\": null}",
            "{\"runningOnOldSnapshot\": \"yes\"}",
            "{\"ageWarnDay\": 3}",
            "[3, 14]",
            "{\"leaseMaxDays\": 2}",                        // below the warn age
        };
        for (String body : bad) {
            as(admin).body(body).put("/api/policy/snapshots").then().statusCode(400);
        }
        assertEquals(bad.length, audited(PolicyService.GLOBAL_ACTION, admin, "REFUSED"));
        JsonPath after = as(alice).get("/api/policy/snapshots").then().statusCode(200).extract().jsonPath();
        assertEquals(before.getMap(""), after.getMap(""), "nothing changed");
    }

    @Test
    void onlyAdminsChangeTheGlobalPolicyAndChangesAreAuditedWithOldAndNewValues() {
        as(operator).body(Map.of("ageWarnDays", 2)).put("/api/policy/snapshots").then().statusCode(403);
        as(alice).body(Map.of("ageWarnDays", 2)).put("/api/policy/snapshots").then().statusCode(403);
        assertEquals(1, audited(PolicyService.GLOBAL_ACTION, operator, "DENIED"));

        as(admin).body(Map.of("ageWarnDays", 2, "countWarn", 4)).put("/api/policy/snapshots").then().statusCode(200)
                .body("ageWarnDays", is(2)).body("countWarn", is(4)).body("ageCriticalDays", is(14));
        as(alice).get("/api/policy/snapshots").then().body("ageWarnDays", is(2));
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = ? AND actor = ?"
                + " AND outcome = 'SUCCESS' AND details LIKE 'old: ageWarnDays=3, ageCriticalDays=14, countWarn=3,%'"
                + " AND details LIKE '%new: ageWarnDays=2, ageCriticalDays=14, countWarn=4,%'",
                PolicyService.GLOBAL_ACTION, admin));
    }

    @Test
    void vmOverridesByOperatorsChangeThatVmsHealthOnly() {
        String vm = VmBuilder.defineVm("pol-vm", alice);
        awaitSuccess(alice, Api.createSnapshot(alice, vm, "old", "aged"));
        Aging.makeOld(vm, "old", Duration.ofDays(16));
        awaitSuccess(alice, as(alice).post(vmPath(vm) + "/sync").then().statusCode(202).extract().jsonPath().getLong("jobId"));
        as(alice).get(vmPath(vm)).then().body("health", is("critical"));

        String path = vmPath(vm) + "/policy";
        as(alice).body(Map.of("ageCriticalDays", 30)).put(path).then().statusCode(403);
        as(operator).body(Map.of("ageWarnDays", 40)).put(path).then().statusCode(400)
                .body("message", containsString("must not be above ageCriticalDays"));
        as(operator).body(Map.of("ageCriticalDays", -2)).put(path).then().statusCode(400);
        String other = Api.newUser("other", "user");
        as(other).get(path).then().statusCode(404);

        as(operator).body(Map.of("ageCriticalDays", 30)).put(path).then().statusCode(200)
                .body("overrides.ageCriticalDays", is(30)).body("overrides.ageWarnDays", nullValue())
                .body("effective.ageCriticalDays", is(30)).body("effective.ageWarnDays", is(3));
        as(alice).get(path).then().statusCode(200).body("effective.ageCriticalDays", is(30));
        as(alice).get(vmPath(vm)).then().body("health", is("warn"));
        as(alice).get(vmPath(vm) + "/snapshots").then().body("[0].reasons[0]", is("age 16 d 0 h > 3 d"));
        // The VM page reads the VM's override with the global row (one query for one VM).
        CookieFilter page = new CookieFilter();
        Api.loginInto(page, alice, Api.passwordOf(alice));
        String html = given().filter(page).get("/vms/local/" + vm).then().statusCode(200)
                .extract().asString();
        assertTrue(html.contains("<span class=\"health warn\">") && !html.contains("<span class=\"health critical\">"), html);
        assertEquals(1, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE action = ? AND actor = ?"
                + " AND target = ? AND details = 'old overrides: (none); new overrides: ageCriticalDays=30'",
                PolicyService.VM_ACTION, operator, "local/" + vm));
        assertEquals(2, audited(PolicyService.VM_ACTION, operator, "REFUSED"));
        assertEquals(1, audited(PolicyService.VM_ACTION, alice, "DENIED"));

        // A global change that would make this VM's effective policy unsound is refused.
        as(admin).body(Map.of("ageWarnDays", 35, "ageCriticalDays", 40, "leaseMaxDays", 40))
                .put("/api/policy/snapshots").then().statusCode(400).body("message", containsString(vm));
        as(alice).get("/api/policy/snapshots").then().body("ageWarnDays", is(3));

        as(admin).body(Map.of()).put(path).then().statusCode(200).body("effective.ageCriticalDays", is(14));
        as(alice).get(vmPath(vm)).then().body("health", is("critical"));
    }

    @Test
    void theAdminPageShowsAndChangesThePolicy() {
        CookieFilter session = SnapshotHygieneTest.login(admin);
        String page = given().filter(session).get("/admin/policy").then().statusCode(200).extract().asString();
        assertTrue(page.contains("name=\"ageCriticalDays\" type=\"number\" min=\"1\" max=\"3650\" value=\"14\""), page);
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find());
        given().filter(session).redirects().follow(false).formParam("csrf-token", m.group(1))
                .formParam("ageWarnDays", "4").formParam("ageCriticalDays", "14").formParam("countWarn", "3")
                .formParam("countCritical", "8").formParam("depthCritical", "5").formParam("overlayWarnPercent", "50")
                .formParam("runningOnOldSnapshot", "true").formParam("leaseMaxDays", "30")
                .post("/admin/policy").then().statusCode(303);
        as(alice).get("/api/policy/snapshots").then().body("ageWarnDays", is(4));
        given().filter(session).redirects().follow(false).formParam("csrf-token", m.group(1))
                .formParam("ageWarnDays", "-4").post("/admin/policy").then().statusCode(400);
        as(alice).get("/api/policy/snapshots").then().body("ageWarnDays", is(4));
        // Not an admin: no page.
        given().filter(SnapshotHygieneTest.login(operator)).redirects().follow(false).get("/admin/policy").then()
                .statusCode(403);
    }
}
