package io.strata.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.strata.auth.AccessAudit;
import io.strata.support.Api;
import io.strata.support.TestDatabase;

/**
 * A NUL character in any string of a JSON body (a value, a key, a tree read by a partial update) is
 * refused by one central check before an endpoint sees it: 400 as an ApiError naming the NUL,
 * audited, and nothing queued or changed.
 */
@QuarkusTest
class NulInJsonTest {

    @Inject
    AccessAudit accessAudit;

    @Test
    void aNulInAnyJsonStringIsRefusedCentrallyAndAudited() {
        String user = Api.newUser("nul-json", "admin");
        String vmPath = "/api/hosts/test/vms/test";
        long jobsBefore = TestDatabase.queryLong("SELECT count(*) FROM job WHERE actor = ?", user);
        String policyBefore = String.valueOf(Api.as(user).get("/api/policy/snapshots").then().statusCode(200).extract().asString());

        refused(user, vmPath + "/snapshots", "POST", "{\"name\": \"ok-name\", \"description\": \"before\\u0000after\"}");
        refused(user, vmPath + "/snapshots", "POST", "{\"name\": \"a\\u0000b\"}");
        refused(user, "/api/templates/template-none/provision", "POST", "{\"name\": \"vm\\u0000\", \"count\": 1}");
        refused(user, "/api/policy/snapshots", "PUT", "{\"ageWarnDays\": 3, \"note\\u0000\": \"x\"}");
        refused(user, "/api/policy/snapshots", "PUT", "{\"ageWarnDays\": [\"\\u0000\"]}");

        assertEquals(jobsBefore, TestDatabase.queryLong("SELECT count(*) FROM job WHERE actor = ?", user), "nothing queued");
        assertEquals(policyBefore, Api.as(user).get("/api/policy/snapshots").then().statusCode(200).extract().asString(),
                "the policy did not change");
        accessAudit.drain();
        assertEquals(5, TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE actor = ? AND action = 'request'"
                + " AND outcome = 'REFUSED' AND details LIKE '400: a NUL character%'", user), "every refusal audited once");
    }

    private static void refused(String user, String path, String method, String body) {
        var r = Api.as(user).body(body).request(method, path);
        assertEquals(400, r.statusCode(), method + " " + path + ": " + r.asString());
        JsonPath j = r.jsonPath();
        assertEquals(400, j.getInt("status"));
        assertEquals("Bad Request", j.getString("error"));
        assertTrue(j.getString("message").startsWith("a NUL character"), j.getString("message"));
    }
}
