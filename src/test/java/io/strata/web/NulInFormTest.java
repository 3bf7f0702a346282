package io.strata.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import io.strata.support.Api;
import io.strata.support.TestDatabase;

/**
 * A NUL in any field of a page's form is refused with 400 and audited, nothing queued (each of
 * these answered 500: the value reached a PostgreSQL query). JSON bodies: {@link NulInJsonTest}.
 */
@QuarkusTest
class NulInFormTest {

    @Test
    void aNulInAFormFieldIsRefusedAndAudited() {
        String admin = Api.newUser("nulform", "admin");
        CookieFilter session = new CookieFilter();
        Api.loginInto(session, admin, Api.passwordOf(admin));
        String page = given().filter(session).get("/vms/test/test").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find());
        String token = m.group(1);
        Map<String, Map<String, String>> forms = new LinkedHashMap<>();
        forms.put("/admin/users", Map.of("username", "nulu1", "password", "nul-password-1", "roles", "user"));
        forms.put("/admin/hosts", Map.of("name", "nulh", "uri", "test:///default"));
        forms.put("/vms/test/test/snapshots", Map.of("name", "nuls", "description", "d", "kind", "internal"));
        forms.put("/vms/test/test/clone", Map.of("name", "nulc", "hostname", "h"));
        forms.put("/templates/notpl/provision", Map.of("host", "test", "name", "nulp", "count", "1"));
        forms.put("/templates/notpl/delete", Map.of("host", "test"));
        forms.put("/reports/1/fix/snapshot-delete", Map.of("key", "k"));
        forms.put("/reports/1/fix/lease", Map.of("key", "k", "days", "3", "reason", "r"));
        long jobsBefore = TestDatabase.queryLong("SELECT count(*) FROM job");
        List<String> wrong = new ArrayList<>();
        int posts = 0;
        for (var f : forms.entrySet()) {
            for (String field : f.getValue().keySet()) {
                Map<String, String> fields = new LinkedHashMap<>(f.getValue());
                fields.put(field, "a\u0000b");
                var r = given().filter(session).redirects().follow(false).formParam("csrf-token", token)
                        .formParams(fields).post(f.getKey());
                posts++;
                if (r.statusCode() != 400 || !r.asString().contains("NUL")) {
                    wrong.add(f.getKey() + " " + field + " -> " + r.statusCode());
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertEquals(jobsBefore, TestDatabase.queryLong("SELECT count(*) FROM job"), "nothing was queued");
        assertTrue(TestDatabase.queryLong("SELECT count(*) FROM audit_event WHERE actor = ? AND action = 'request'"
                + " AND details LIKE '%NUL character in the form field%'", admin) >= posts, "each refusal is audited");
        // The same forms without a NUL still work as before (a valid one passes the filter).
        given().filter(session).redirects().follow(false).formParam("csrf-token", token).formParam("username", "nulu2-" + admin)
                .formParam("password", "nul-password-2").formParam("roles", "user").post("/admin/users").then().statusCode(303);
    }
}
