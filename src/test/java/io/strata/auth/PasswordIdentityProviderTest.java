package io.strata.auth;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.strata.support.Api;

/** Remembering a right password must never let a wrong one in, nor one user's password for another. */
@QuarkusTest
class PasswordIdentityProviderTest {

    @Test
    void rememberedLoginDoesNotAdmitWrongPasswordsOrOtherUsers() {
        String pia = Api.newUser("pia", "user");
        String quinn = Api.newUser("quinn", "auditor");
        Api.as(pia).get("/api/hosts").then().statusCode(200);
        Api.as(pia).get("/api/hosts").then().statusCode(200); // now remembered
        given().auth().preemptive().basic(pia, "wrong-password").get("/api/hosts").then().statusCode(401);
        given().auth().preemptive().basic(pia, Api.passwordOf(quinn)).get("/api/hosts").then().statusCode(401);
        given().auth().preemptive().basic(quinn, Api.passwordOf(pia)).get("/api/hosts").then().statusCode(401);
        given().auth().preemptive().basic("nobody", Api.passwordOf(pia)).get("/api/hosts").then().statusCode(401);
        // Roles come along with the remembered identity: pia (a user) still may not read the audit log.
        Api.as(pia).get("/api/audit").then().statusCode(403);
        Api.as(quinn).get("/api/audit").then().statusCode(200);
    }

    /** A NUL in the name (no account can have one; PostgreSQL text cannot hold one) is a failed login, not a 500. */
    @Test
    void aNulInTheNameIsAFailedLogin() {
        given().auth().preemptive().basic("a\u0000b", "x").get("/api/hosts").then().statusCode(401);
        Api.postLoginForm(new io.restassured.filter.cookie.CookieFilter(), "a\u0000b", "x").then().statusCode(302)
                .header("Location", org.hamcrest.Matchers.containsString("error"));
    }
}
