package io.strata.web;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.strata.audit.Refusals;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;
import io.strata.kernel.InputRules;
import io.strata.kernel.Origins;

/**
 * A change must not be triggered by another site. Browsers keep HTTP Basic credentials and send
 * them with a cross-site {@code <form>} post (text/plain or form types need no CORS preflight), so:
 * <ul>
 * <li>a state-changing API call must say {@code Content-Type: application/json}, which another
 * site cannot send without a preflight that Strata (no CORS) never grants;</li>
 * <li>a state-changing request that a browser marks as coming from another site
 * ({@code Sec-Fetch-Site: cross-site|same-site}) or whose {@code Origin} is not this server is
 * refused, pages and API alike.</li>
 * </ul>
 * Each refusal is audited; the filter runs before matching, so a wrong type is refused here (and
 * audited), not by {@code @Consumes}. Pages are held to Strata's forms and their token by {@link PageFormsOnly}.
 */
@ApplicationScoped
public class CrossSiteRequests {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    Refusals refusals;
    @Inject
    CurrentCaller caller;

    /** A pre-matching filter runs on the event loop: the refusal's audit write runs on a worker. */
    @ServerRequestFilter(preMatching = true)
    public Uni<Response> refuseCrossSite(ContainerRequestContext request) {
        if (SAFE_METHODS.contains(request.getMethod())) {
            return Uni.createFrom().nullItem();
        }
        String path = request.getUriInfo().getPath();
        String site = request.getHeaderString("Sec-Fetch-Site");
        String origin = request.getHeaderString("Origin");
        String action = "request.cross-site";
        String problem = null;
        int status = 403;
        if (!Origins.siteAllowed(site)) {
            problem = "a change cannot come from another site (Sec-Fetch-Site: " + InputRules.printable(site) + ")";
        } else if (origin != null && !Origins.sameOrigin(origin, request.getUriInfo().getRequestUri())) {
            problem = "a change cannot come from another site (Origin: " + InputRules.printable(origin) + ")";
        } else if (path.equals("/api") || path.startsWith("/api/")) {
            String raw = request.getHeaderString("Content-Type");
            String type = raw == null ? null : raw.split(";", 2)[0].strip().toLowerCase();
            if (!MediaType.APPLICATION_JSON.equals(type)) {
                action = "api.request";
                status = 415;
                problem = "changes through the API need Content-Type: application/json (got "
                        + (type == null ? "none" : InputRules.printable(type)) + ")";
            }
        }
        if (problem == null) {
            return Uni.createFrom().nullItem();
        }
        Caller who = caller.get();
        String why = problem;
        String what = action;
        int code = status;
        return Uni.createFrom().<Response>emitter(e -> e.fail(refusals.refuse(who, what, path, code, why)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
