package io.strata.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.strata.support.Api;
import io.strata.support.Processes;

/**
 * Served over HTTPS, every cookie Strata sets (the login session, the session epoch, the CSRF
 * token) carries {@code Secure}, so a browser never sends it over plain HTTP; over plain HTTP
 * (the same app) they do not, or the browser would drop them. The app serves both here on
 * 127.0.0.1 with a self-signed certificate made for the test.
 */
@QuarkusTest
@TestProfile(HttpsCookiesTest.Tls.class)
class HttpsCookiesTest {

    static final int HTTPS_PORT = 18006; // this helper's port (see the brief), TLS

    public static class Tls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path dir = Files.createTempDirectory("strata-tls");
                Path key = dir.resolve("key.pem");
                Path cert = dir.resolve("cert.pem");
                Processes.ok("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-keyout", key.toString(), "-out", cert.toString());
                return Map.of("quarkus.http.ssl.certificate.files", cert.toString(),
                        "quarkus.http.ssl.certificate.key-files", key.toString(),
                        "quarkus.http.test-ssl-port", Integer.toString(HTTPS_PORT),
                        "quarkus.http.insecure-requests", "enabled");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void overHttpsEveryCookieIsSecure() {
        String user = Api.newUser("tls", "user");
        String https = "https://127.0.0.1:" + HTTPS_PORT;
        Response page = given().relaxedHTTPSValidation().baseUri(https).port(HTTPS_PORT).get("/login");
        List<String> pageCookies = page.getHeaders().getValues("Set-Cookie");
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page.asString());
        assertTrue(m.find(), "the login form has its token");
        Response login = given().relaxedHTTPSValidation().baseUri(https).port(HTTPS_PORT).redirects().follow(false)
                .cookies(page.getCookies()).formParam("j_username", user).formParam("j_password", Api.passwordOf(user))
                .formParam("csrf-token", m.group(1)).post("/j_security_check");
        List<String> loginCookies = login.getHeaders().getValues("Set-Cookie");
        assertTrue(loginCookies.stream().anyMatch(c -> c.startsWith("strata-session=")), "logged in: " + loginCookies);
        for (String c : concat(pageCookies, loginCookies)) {
            assertTrue(c.toLowerCase().contains("; secure"), "Secure over HTTPS: " + c);
        }
        // The same app over plain HTTP: no Secure (a browser would not keep such a cookie there).
        Response plain = given().get("/login");
        for (String c : plain.getHeaders().getValues("Set-Cookie")) {
            assertFalse(c.toLowerCase().contains("; secure"), "not Secure over HTTP: " + c);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
