package io.strata.web;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;

/**
 * The CSRF filter (quarkus-rest-csrf) refuses a form without its token, or with a forged one, by
 * aborting with a bare 400: no body, which Chromium shows as "HTTP ERROR 400". That answer is
 * dressed here as Strata's error page, in the reader's language, saying why and that nothing
 * changed. Only the filter's own abort is: a page change, status 400, no body, and a token the
 * filter did not mark as verified (every other error of Strata's has a body). The refusal is
 * audited by the access auditor (auth.AccessAudit), which sees the status when the answer leaves.
 */
@ApplicationScoped
public class CsrfRefusalPage {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** What the CSRF filter puts in the routing context once a token passed its check. */
    private static final String VERIFIED = "csrf_token_verified";
    static final String MESSAGE = "this form's security token (CSRF) is missing or does not match this browser's:"
            + " nothing was changed. Go back, reload the page and send the form again.";

    @Inject
    ErrorPages pages;
    @Inject
    CurrentVertxRequest request;

    @ServerResponseFilter
    public void dress(ContainerRequestContext req, ContainerResponseContext res) {
        String path = req.getUriInfo().getPath();
        if (res.getStatus() != 400 || res.hasEntity() || SAFE_METHODS.contains(req.getMethod())
                || path.equals("/api") || path.startsWith("/api/")) {
            return;
        }
        var rc = request.getCurrent();
        if (rc != null && Boolean.TRUE.equals(rc.get(VERIFIED))) {
            return;
        }
        res.getHeaders().putSingle("Cache-Control", "no-store");
        res.setEntity(pages.render(400, MESSAGE, "csrf_refused", List.of()), null,
                MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
    }
}
