package io.strata.kernel;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;

/** The {@link Caller} of the current HTTP request; inject this, not a Caller, into singletons. */
@RequestScoped
public class CurrentCaller {

    @Inject
    SecurityIdentity identity;

    @Inject
    CurrentVertxRequest request;

    /** The caller of this request (computed once per request). */
    public Caller get() {
        if (cached == null) {
            cached = compute();
        }
        return cached;
    }

    private Caller cached;

    private Caller compute() {
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
