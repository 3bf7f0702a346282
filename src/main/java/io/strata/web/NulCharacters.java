package io.strata.web;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

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
 * the hostile requests test).
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
        Caller who = caller.get();
        String target = InputRules.printable(path);
        String what = request.getMethod() + " " + target;
        return Uni.createFrom().<Response>emitter(e -> e.fail(refusals.refuse(who, "request", target, 400,
                "a NUL character in the path or a query parameter of " + what)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
