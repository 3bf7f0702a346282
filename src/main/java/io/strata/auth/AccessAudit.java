package io.strata.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.kernel.Refused;
import io.vertx.ext.web.RoutingContext;
import io.strata.kernel.Caller;
import io.strata.kernel.InputRules;

/**
 * Audits what happens before any resource runs: form logins (success and failure), failed HTTP
 * Basic logins, requests the security layer refused (403), and every other refusal or failure
 * answered without an audit event of its own (the CSRF filter's 400, an unreadable body, an
 * unsupported method or type, a 5xx). Successful Basic authentication is not recorded per
 * request: the actions it leads to are audited under the user's name. Events are written on a
 * thread of their own (the event loop must not block) and drained when the app stops.
 * <p>
 * What anyone can cause without an account (failed logins, API requests without credentials) is
 * not written one by one: {@link FailureTally} counts it per name and address (names that are no
 * account in a bounded pool of their own, folded per address), and every
 * {@value #WINDOW} each key's failures become one event with their count. The writer's queue is
 * bounded too; what does not fit is counted and written as "n failures not recorded".
 */
@ApplicationScoped
public class AccessAudit {

    private static final Logger LOG = Logger.getLogger(AccessAudit.class);

    @Inject
    AuditLog audit;

    /** How often tallied failures are written (one event per name and address in that window). */
    static final String WINDOW = "10s";
    static final int TALLY_KEYS = 1_000;
    static final int WRITER_QUEUE = 10_000;
    /** Set on a request by the password check when the name tried is an account's (see {@link FailureTally}). */
    static final String ACCOUNT_NAME = "strata.login.account-name";

    private final FailureTally tally = new FailureTally(TALLY_KEYS);

    /** Audit writes block (database), so they leave the event loop; a full queue refuses (counted) rather than grows. */
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(WRITER_QUEUE), r -> {
                Thread t = new Thread(r, "strata-access-audit");
                t.setDaemon(true);
                return t;
            }, (task, pool) -> {
                throw new RejectedExecutionException("the access audit queue is full");
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
            String name = user == null || user.isBlank() ? "unknown" : InputRules.printable(user);
            if (failed) {
                String why = rc.get(LoginCsrf.REFUSAL);
                tally.offer(new FailureTally.Key("login", why == null ? "form" : "form-csrf", name, source), isAccount(rc),
                        "form login failed" + (why == null ? "" : ": " + why), Instant.now());
            } else {
                write(new Caller(name, Set.of(), source), "login", Outcome.SUCCESS, "form login");
            }
            return;
        }
        if (status == 401) {
            String auth = rc.request().getHeader("Authorization");
            String what = rc.request().method() + " " + InputRules.printable(path);
            if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
                tally.offer(new FailureTally.Key("login", "basic", basicUser(auth), source), isAccount(rc),
                        "HTTP Basic authentication failed for " + what, Instant.now());
            } else {
                tally.offerAnonymous(new FailureTally.Key("access", "anonymous", "anonymous", source), "401: " + what
                        + " without valid credentials" + (auth == null ? "" : " (unsupported Authorization scheme)"), Instant.now());
            }
            return;
        }
        if (status < 400 || status == 401 || rc.get(Refused.AUDITED_MARK) != null || path.startsWith("/q/")) {
            return; // (health and OpenAPI answers are no refusals: a health check DOWN answers 503)
        }
        String method = rc.request().method().name();
        if (status == 403) {
            write(caller(rc, source), "access", Outcome.DENIED,
                    "403: " + method + " " + path + " needs a role this account does not have");
        } else if (status == 404 && (method.equals("GET") || method.equals("HEAD"))) {
            // A read of something that does not exist; reads of Strata's own objects are audited by their resources.
        } else {
            String type = rc.request().getHeader("Content-Type");
            write(caller(rc, source), "request", status >= 500 ? Outcome.FAILED : Outcome.REFUSED,
                    status + ": " + method + " " + path + (type == null ? "" : " (" + InputRules.printable(type) + ")")
                            + " answered before any action: " + why(status, path));
        }
    }

    /** What answers such a status before a resource audits anything. */
    private static String why(int status, String path) {
        return switch (status) {
            case 400 -> path.startsWith("/api") ? "unreadable request body or parameters"
                    : "CSRF token missing or wrong, or an unreadable form";
            case 405 -> "method not allowed";
            case 413 -> "request body too large";
            case 415 -> "unsupported body type";
            default -> status >= 500 ? "server error" : "refused";
        };
    }

    private static Caller caller(RoutingContext rc, String source) {
        String user = rc.user() != null && rc.user().principal() != null
                ? rc.user().principal().getString("username", "unknown") : "unknown";
        var identity = rc.<io.quarkus.security.identity.SecurityIdentity>get(
                io.quarkus.security.identity.SecurityIdentity.class.getName());
        Set<String> roles = Set.of();
        if (identity != null && !identity.isAnonymous()) {
            user = identity.getPrincipal().getName();
            roles = identity.getRoles();
        }
        return new Caller(user, roles, source);
    }

    /** Whether the password check found the name to be an account (it marks the request so). */
    private static boolean isAccount(RoutingContext rc) {
        return Boolean.TRUE.equals(rc.get(ACCOUNT_NAME));
    }

    /** Writes each tallied failure as one event with its count, and what could not be recorded. */
    @Scheduled(every = WINDOW, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flushTally() {
        FailureTally.Flush f = tally.flush();
        for (FailureTally.Tally t : f.tallies()) {
            write(new Caller(t.key().user(), Set.of(), t.key().address()), t.key().action(), Outcome.DENIED, t.details());
        }
        if (f.dropped() > 0) {
            write(new Caller("strata", Set.of(), null), "audit.not-recorded", Outcome.FAILED,
                    f.dropped() + " failures not recorded: the failure tally or the audit queue was full");
        }
    }

    /** Writes what is tallied and queued (before the app stops; tests use it to wait for the writer). */
    public void drain() {
        flushTally();
        try {
            writer.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.error("access audit: the writer did not drain: " + e);
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        drain();
        writer.shutdown();
    }

    private void write(Caller who, String action, Outcome outcome, String details) {
        try {
            writer.execute(() -> {
                try {
                    QuarkusTransaction.requiringNew().run(() -> audit.record(who, action, null, null, outcome, details));
                } catch (RuntimeException e) {
                    LOG.error("could not audit " + action + " of " + who.name(), e);
                }
            });
        } catch (RejectedExecutionException full) {
            tally.notRecorded(1);
        }
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
