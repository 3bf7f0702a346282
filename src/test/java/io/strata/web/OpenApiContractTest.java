package io.strata.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.cookie.CookieFilter;
import io.strata.support.Api;
import io.strata.support.Processes;

/**
 * The API contract (issue 14). The committed document, from which the test client is generated
 * (pom.xml, generate-test-sources), is the live {@code /q/openapi}; the live document lints clean
 * with Redocly's recommended rules (redocly.yaml, a pinned CLI through npx); and the security it
 * declares (HTTP Basic, no session cookie) is what the API does.
 */
@QuarkusTest
class OpenApiContractTest {

    static final Path COMMITTED = Path.of("src/main/openapi/strata-openapi.yaml");
    /** Pinned: a new Redocly release may bring new rules; raise it on purpose. */
    static final String REDOCLY = "@redocly/cli@2.77.0";

    private static String live() {
        return given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract().asString();
    }

    @Test
    void theCommittedDocumentIsTheLiveOne() throws IOException {
        String live = live();
        if (Boolean.getBoolean("strata.openapi.update")) {
            Files.writeString(COMMITTED, live);
        }
        YAMLMapper yaml = new YAMLMapper();
        assertEquals(yaml.readTree(COMMITTED.toFile()), yaml.readTree(live),
                "the API changed but " + COMMITTED + " (the contract the client is generated from) did not; review the"
                        + " change and refresh it with: mvn -B -o verify -Dtest=OpenApiContractTest -Dit.test=none"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -Dstrata.openapi.update=true");
    }

    @Test
    void theLiveDocumentLintsCleanWithRedoclysRecommendedRules() throws IOException {
        Path doc = Path.of("target", "openapi", "strata-openapi.yaml");
        Files.createDirectories(doc.getParent());
        Files.writeString(doc, live());
        Processes.Result r = Processes.run(List.of("npx", "--yes", REDOCLY, "lint", "--config", "redocly.yaml",
                "--format", "json", doc.toString()), Map.of(), Duration.ofMinutes(5));
        String out = r.out();
        int json = out.indexOf('{');
        assertTrue(json >= 0, "redocly said no JSON (exit " + r.exit() + "): " + out + r.err());
        JsonNode totals = new ObjectMapper().readTree(out.substring(json)).path("totals");
        assertEquals(0, totals.path("errors").asInt(-1), "redocly errors: " + out);
        assertEquals(0, totals.path("warnings").asInt(-1), "redocly warnings: " + out);
        assertEquals(0, r.exit(), "redocly exit: " + out + r.err());
    }

    /** The error answers the document declares come as its ApiError: status, error, message. */
    @Test
    void declaredErrorsAnswerTheApiErrorSchema() {
        String user = Api.newUser("contract", "user");
        assertApiError(Api.as(user).get("/api/users").then().statusCode(403).extract().asString(), 403);
        assertApiError(Api.as(user).get("/api/jobs/987654321").then().statusCode(404).extract().asString(), 404);
        assertApiError(Api.as(user).body("{\"name\": ").post("/api/hosts/local/vms/none/snapshots").then().statusCode(400)
                .extract().asString(), 400);
        assertApiError(given().auth().preemptive().basic(user, Api.passwordOf(user)).accept("application/json")
                .contentType("text/plain").body("x").post("/api/hosts/local/sync").then().statusCode(415).extract().asString(), 415);
    }

    private static void assertApiError(String body, int status) {
        try {
            JsonNode e = new ObjectMapper().readTree(body);
            assertEquals(status, e.path("status").asInt(), body);
            assertTrue(e.path("error").isTextual() && e.path("message").isTextual(), body);
        } catch (IOException ex) {
            throw new AssertionError("not JSON: " + body, ex);
        }
    }

    @Test
    void theApiTakesHttpBasicAndNotThePagesSessionCookie() {
        String user = Api.newUser("contract", "user");
        Api.as(user).get("/api/hosts").then().statusCode(200);
        CookieFilter session = new CookieFilter();
        Api.loginInto(session, user, Api.passwordOf(user));
        given().filter(session).redirects().follow(false).get("/vms").then().statusCode(200);
        given().filter(session).redirects().follow(false).accept("application/json").get("/api/hosts").then().statusCode(401);
    }
}
