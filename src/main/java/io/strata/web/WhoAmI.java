package io.strata.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.quarkus.security.identity.SecurityIdentity;
import io.strata.kernel.Roles;

/** The logged-in user, for the page layout ({@code inject:whoami}). */
@Named("whoami")
@RequestScoped
public class WhoAmI {

    @Inject
    SecurityIdentity identity;

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

    public boolean isOperator() {
        return identity.hasRole(Roles.OPERATOR) || identity.hasRole(Roles.ADMIN);
    }
}
