package io.strata.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import io.strata.kernel.Digests;

/**
 * Checks a user name and password (form login and HTTP Basic) against {@link AppUser}'s bcrypt
 * hash, and remembers a successful check for a minute. Basic sends the password with every API
 * request; without the memory every request (every poll of a job) paid a full bcrypt round,
 * about 100 ms here. Only a SHA-256 of a password that was right is kept, in memory, and it is
 * forgotten when the account changes ({@link #forget}).
 * <p>
 * An unknown name costs the same bcrypt round as a known one (timing does not tell which names
 * exist); {@link LoginThrottle} refuses while an account or address is locked; a disabled account
 * is refused. A form login also gets the account's session epoch cookie ({@link SessionEpochs}).
 */
@ApplicationScoped
public class PasswordIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private static final Duration REMEMBER = Duration.ofSeconds(60);
    private static final int MAX_REMEMBERED = 10_000;

    private record Verified(SecurityIdentity identity, Instant until) {
    }

    /** A hash of a password nobody has, checked for unknown names so that they cost a bcrypt round too. */
    private static final String DUMMY_HASH = BcryptUtil.bcryptHash(java.util.UUID.randomUUID().toString());

    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    @Inject
    LoginThrottle throttle;
    @Inject
    SessionEpochs epochs;
    @Inject
    MeterRegistry registry;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String user = request.getUsername();
        String password = new String(request.getPassword().getPassword());
        String key = user + "\u0000" + Digests.sha256Hex(password);
        RoutingContext http = HttpSecurityUtils.getRoutingContextAttribute(request);
        boolean formLogin = http != null && http.request().path().endsWith("/j_security_check");
        Verified hit = verified.get(key);
        if (hit != null && hit.until().isAfter(Instant.now()) && !formLogin) {
            return Uni.createFrom().item(hit.identity());
        }
        String address = http == null || http.request().remoteAddress() == null ? null : http.request().remoteAddress().hostAddress();
        // The CSRF token is checked before anything else: another site's form must not log the
        // browser in (to an account of the attacker's), nor cost a database read. Its refusal is
        // tallied with the names that are no account (the name is not looked up).
        if (formLogin && !LoginCsrf.tokenMatches(http)) {
            http.put(LoginCsrf.REFUSAL, "CSRF token missing or wrong");
            return Uni.createFrom().failure(new AuthenticationFailedException("login form without its CSRF token"));
        }
        return context.runBlocking(() -> {
            Instant now = Instant.now();
            // Looked up first (on a worker), so the access audit knows whether a refused name is an
            // account's. A NUL is in no account's name, and PostgreSQL refuses it in a query.
            AppUser u = user.indexOf('\0') >= 0 ? null
                    : QuarkusTransaction.requiringNew().call(() -> AppUser.findByUsername(user).orElse(null));
            if (u != null && http != null) {
                http.put(AccessAudit.ACCOUNT_NAME, Boolean.TRUE);
            }
            Duration locked = throttle.lockedFor(user, address, now);
            if (!locked.isZero()) {
                loginFailed("throttled");
                throw new AuthenticationFailedException("too many failed logins: try again in " + (locked.toSeconds() + 1) + " s");
            }
            boolean right = BcryptUtil.matches(password, u == null ? DUMMY_HASH : u.passwordHash);
            if (u == null || !right) {
                throttle.failed(user, u != null, address, now);
                loginFailed(u == null ? "unknown_user" : "wrong_password");
                throw new AuthenticationFailedException("wrong user name or password");
            }
            if (u.disabled) {
                loginFailed("disabled");
                throw new AuthenticationFailedException("account " + user + " is disabled");
            }
            throttle.succeeded(user);
            SecurityIdentity identity = identityOf(u);
            if (formLogin) {
                http.response().addCookie(Cookie.cookie(SessionEpochs.COOKIE, epochs.value(u.username, u.sessionEpoch))
                        .setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                        .setSecure(http.request().isSSL()));
            }
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            verified.put(key, new Verified(identity, now.plus(REMEMBER)));
            return identity;
        });
    }

    /** Counts a refused login by its reason (a fixed word, never the name tried). */
    private void loginFailed(String reason) {
        Counter.builder("strata.login.failures").description("Refused logins (form and Basic), by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /** Drops what is remembered of an account's passwords: it changed, was disabled or lost roles. */
    public void forget(String user) {
        verified.keySet().removeIf(k -> k.startsWith(user + "\u0000"));
    }

    static SecurityIdentity identityOf(AppUser u) {
        // The epoch goes with the identity: a live page opened by it ends when the epoch moves on (job.JobStreams).
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(u.username)).addRoles(u.roleSet())
                .addAttribute(SessionEpochs.ATTRIBUTE, u.sessionEpoch).build();
    }
}
