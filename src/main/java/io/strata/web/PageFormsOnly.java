package io.strata.web;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.strata.audit.Refusals;
import io.strata.kernel.CurrentCaller;
import io.strata.kernel.InputRules;
import io.strata.kernel.Refused;

/**
 * A change made through the pages must come from one of Strata's forms. The CSRF filter checks the
 * token only in form bodies (with any other content type, e.g. a {@code <form enctype="text/plain">}
 * posted from another page of the same site, it has nothing to check), so a page request that
 * changes something with another body type is refused (415, audited) before any resource runs.
 * The JSON API under /api takes HTTP Basic only and no cookie, so it is no CSRF target.
 */
@ApplicationScoped
public class PageFormsOnly {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    Refusals refusals;
    @Inject
    CurrentCaller caller;

    @ServerRequestFilter
    public void requireForm(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (SAFE_METHODS.contains(request.getMethod()) || path.equals("/api") || path.startsWith("/api/")) {
            return;
        }
        // The raw header, compared exactly as the CSRF filter compares it (case-sensitively): a type
        // it would not take for a form (e.g. "Application/x-www-form-urlencoded") skips its token
        // check, so such a request must not get past this filter either.
        String raw = request.getHeaderString("Content-Type");
        String type = raw == null ? null : raw.split(";", 2)[0].strip();
        boolean form = MediaType.APPLICATION_FORM_URLENCODED.equals(type) || MediaType.MULTIPART_FORM_DATA.equals(type);
        if (!form) {
            Refused r = refusals.refuse(caller.get(), "page.post", path, 415,
                    "changes through the pages come from Strata's forms only (got " + (type == null ? "no body type" : InputRules.printable(type)) + ")");
            throw r;
        }
    }
}
