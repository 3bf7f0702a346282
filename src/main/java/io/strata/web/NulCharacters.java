package io.strata.web;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.core.multipart.FormData;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.strata.audit.Refusals;
import io.strata.kernel.Caller;
import io.strata.kernel.CurrentCaller;
import io.strata.kernel.InputRules;

/**
 * A NUL character ({@code %00}) in the path or a query parameter is refused (400, audited) before
 * any endpoint sees it. No name Strata or libvirt knows can hold one, and PostgreSQL text cannot
 * store one: a NUL that reached a query or an audit record failed with a server error (found by
 * the hostile requests test). The same goes for the fields of a form body (JSON bodies:
 * {@link NulFreeJson}): a NUL in a page's form field reached a query and failed with a 500.
 */
@ApplicationScoped
public class NulCharacters {

    @Inject
    Refusals refusals;
    @Inject
    CurrentCaller caller;

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> refuseNul(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath(true);
        boolean nul = path.indexOf('\0') >= 0;
        for (Map.Entry<String, List<String>> q : request.getUriInfo().getQueryParameters(true).entrySet()) {
            nul |= q.getKey().indexOf('\0') >= 0 || q.getValue().stream().anyMatch(v -> v != null && v.indexOf('\0') >= 0);
        }
        if (!nul) {
            return Uni.createFrom().nullItem();
        }
        return refused(request, "the path or a query parameter");
    }

    /** A NUL in a form field's name or value ({@code readBody}: the form is read before this filter runs). */
    @ServerRequestFilter(readBody = true)
    public Uni<Response> refuseNulInForm(ResteasyReactiveContainerRequestContext request) {
        FormData form = request.getServerRequestContext() instanceof ResteasyReactiveRequestContext rc ? rc.getFormData() : null;
        if (form == null) {
            return Uni.createFrom().nullItem();
        }
        for (String name : form) {
            boolean nul = name.indexOf('\0') >= 0;
            for (FormValue v : form.get(name)) {
                nul |= !v.isFileItem() && v.getValue() != null && v.getValue().indexOf('\0') >= 0;
            }
            if (nul) {
                return refused(request, "the form field " + InputRules.printable(name));
            }
        }
        return Uni.createFrom().nullItem();
    }

    private Uni<Response> refused(ContainerRequestContext request, String where) {
        Caller who = caller.get();
        String target = InputRules.printable(request.getUriInfo().getPath(true));
        String what = request.getMethod() + " " + target;
        return Uni.createFrom().<Response>emitter(e -> e.fail(refusals.refuse(who, "request", target, 400,
                "a NUL character in " + where + " of " + what)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
