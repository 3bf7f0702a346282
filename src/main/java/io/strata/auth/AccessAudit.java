package io.strata.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.kernel.Refused;
import io.vertx.ext.web.RoutingContext;
import io.strata.kernel.Caller;
import io.strata.kernel.InputRules;

/**
 * Audits what happens before any resource runs: form logins (success and failure), failed HTTP
 * Basic logins, and requests the security layer refused (403). Successful Basic authentication is
 * not recorded per request: the actions it leads to are audited under the user's name.
 */
@ApplicationScoped
public class AccessAudit {

    private static final Logger LOG = Logger.getLogger(AccessAudit.class);

    @Inject
    AuditLog audit;

    /** Audit writes block (database), so they leave the event loop. */
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "strata-access-audit");
        t.setDaemon(true);
        return t;
    });

    void register(@Observes Filters filters) {
        // Above the security handlers, so the header hook is in place before they answer.
        filters.register(this::observe, 10_000);
    }

    private void observe(RoutingContext rc) {
        rc.addHeadersEndHandler(v -> {
            try {
                inspect(rc);
            } catch (RuntimeException e) {
                LOG.warn("access audit: " + e.getMessage());
            }
        });
        rc.next();
    }

    private void inspect(RoutingContext rc) {
        String path = rc.normalizedPath();
        int status = rc.response().getStatusCode();
        String source = rc.request().remoteAddress() == null ? null : rc.request().remoteAddress().hostAddress();
        if (path.equals("/j_security_check")) {
            String location = rc.response().headers().get("Location");
            String user = rc.request().getFormAttribute("j_username");
            boolean failed = location == null || location.contains("error") || status == 401;
            write(new Caller(user == null || user.isBlank() ? "unknown" : user, Set.of(), source), "login",
                    failed ? Outcome.DENIED : Outcome.SUCCESS, failed ? "form login failed" : "form login");
            return;
        }
        if (status == 401 && path.startsWith("/api")) {
            String auth = rc.request().getHeader("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
                write(new Caller(basicUser(auth), Set.of(), source), "login", Outcome.DENIED,
                        "HTTP Basic authentication failed for " + rc.request().method() + " " + path);
            }
            return;
        }
        if (status == 403 && rc.get(Refused.AUDITED_MARK) == null) {
            String user = rc.user() != null && rc.user().principal() != null
                    ? rc.user().principal().getString("username", "unknown") : "unknown";
            var identity = rc.<io.quarkus.security.identity.SecurityIdentity>get(
                    io.quarkus.security.identity.SecurityIdentity.class.getName());
            Set<String> roles = Set.of();
            if (identity != null && !identity.isAnonymous()) {
                user = identity.getPrincipal().getName();
                roles = identity.getRoles();
            }
            write(new Caller(user, roles, source), "access", Outcome.DENIED,
                    "403: " + rc.request().method() + " " + path + " needs a role this account does not have");
        }
    }

    private void write(Caller who, String action, Outcome outcome, String details) {
        writer.submit(() -> {
            try {
                QuarkusTransaction.requiringNew().run(() -> audit.record(who, action, null, null, outcome, details));
            } catch (RuntimeException e) {
                LOG.error("could not audit " + action + " of " + who.name(), e);
            }
        });
    }

    private static String basicUser(String header) {
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            String user = colon < 0 ? decoded : decoded.substring(0, colon);
            return InputRules.printable(user);
        } catch (IllegalArgumentException e) {
            return "unreadable";
        }
    }
}
