package io.strata.auth;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;

/** Produces the {@link Caller} of the current HTTP request. */
@RequestScoped
public class CurrentCaller {

    @Inject
    SecurityIdentity identity;

    @Inject
    CurrentVertxRequest request;

    @Produces
    @RequestScoped
    public Caller caller() {
        String source = null;
        if (request.getCurrent() != null && request.getCurrent().request().remoteAddress() != null) {
            source = request.getCurrent().request().remoteAddress().hostAddress();
        }
        if (identity.isAnonymous()) {
            return new Caller("anonymous", java.util.Set.of(), source);
        }
        return new Caller(identity.getPrincipal().getName(), identity.getRoles(), source);
    }
}
