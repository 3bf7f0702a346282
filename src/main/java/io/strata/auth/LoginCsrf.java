package io.strata.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.csrf.reactive.runtime.CsrfTokenUtils;
import io.strata.kernel.Origins;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;

/**
 * The login form's CSRF token. Quarkus' form login ({@code POST /j_security_check}) runs before
 * any REST filter, so the token check of the other forms never sees it: the password check does
 * it instead, once Quarkus has read the form. The login page (a REST page) gets the token and its
 * cookie like every other form; a login whose form token does not equal the cookie fails before
 * any password is checked, and the failure is audited with that reason.
 */
final class LoginCsrf {

    /** The form field and cookie of quarkus.rest-csrf (form-field-name, cookie-name in application.properties). */
    static final String FIELD = "csrf-token";
    static final String COOKIE = "csrf-token";
    /** Marks a form login refused for its token, for the access audit's details. */
    static final String REFUSAL = "strata.login.refusal";

    private LoginCsrf() {
    }

    /**
     * Whether the browser's CSRF cookie is what the filter of the other forms expects for the form's
     * token: the token's signature under {@code quarkus.rest-csrf.token-signature-key} when one is set,
     * else (Strata's setting) the token itself.
     */
    static boolean tokenMatches(RoutingContext rc) {
        // A sibling site can set the cookie too (cookie tossing): the login must also come from this site.
        String origin = rc.request().getHeader("Origin");
        if (!Origins.siteAllowed(rc.request().getHeader("Sec-Fetch-Site"))
                || (origin != null && !Origins.sameOrigin(origin, URI.create(rc.request().absoluteURI())))) {
            return false;
        }
        String form = rc.request().getFormAttribute(FIELD);
        Cookie cookie = rc.request().getCookie(COOKIE);
        if (form == null || form.isEmpty() || cookie == null || cookie.getValue() == null || cookie.getValue().isEmpty()) {
            return false;
        }
        String expected;
        try {
            expected = ConfigProvider.getConfig().getOptionalValue("quarkus.rest-csrf.token-signature-key", String.class)
                    .map(key -> CsrfTokenUtils.signCsrfToken(form, key)).orElse(form);
        } catch (IllegalArgumentException notBase64) {
            return false; // not a token the login page gave out
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), cookie.getValue().getBytes(StandardCharsets.UTF_8));
    }
}
