package io.strata.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.strata.kernel.Roles;

/** The logged-in user, for the page layout ({@code inject:whoami}). */
@Named("whoami")
@RequestScoped
public class WhoAmI {

    @Inject
    SecurityIdentity identity;
    @Inject
    CurrentVertxRequest request;

    public boolean isAuthenticated() {
        return !identity.isAnonymous();
    }

    public String getName() {
        return identity.isAnonymous() ? "" : identity.getPrincipal().getName();
    }

    public String getRoles() {
        return String.join(", ", new java.util.TreeSet<>(identity.getRoles()));
    }

    public boolean isAdmin() {
        return identity.hasRole(Roles.ADMIN);
    }

    public boolean isAuditor() {
        return identity.hasRole(Roles.AUDITOR) || identity.hasRole(Roles.ADMIN);
    }

    /**
     * This request's CSRF form token for the layout's logout form; null where the CSRF filter did
     * not run (an error page answered before matching), and the layout then shows no such form.
     */
    public String getCsrfToken() {
        Object token = request.getCurrent() == null ? null : request.getCurrent().get("csrf_token");
        return token == null ? null : token.toString();
    }

    public boolean isOperator() {
        return identity.hasRole(Roles.OPERATOR) || identity.hasRole(Roles.ADMIN);
    }
}
