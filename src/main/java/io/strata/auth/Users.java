package io.strata.auth;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.web.Refusals;

/** Account administration, shared by the API and the admin page. */
@ApplicationScoped
public class Users {

    @Inject
    AuditLog audit;
    @Inject
    Refusals refusals;

    @Transactional
    public List<AppUser> all() {
        return AppUser.listAll(io.quarkus.panache.common.Sort.by("username"));
    }

    public AppUser create(Caller c, String username, String password, Set<String> roles) {
        refusals.requireName(c, "user.create", username, "username", username);
        if (password == null || password.length() < 8 || password.length() > 200) {
            throw refusals.refuse(c, "user.create", username, 400, "password must have 8 to 200 characters");
        }
        if (roles.isEmpty() || !Roles.ALL.containsAll(roles)) {
            throw refusals.refuse(c, "user.create", username, 400, "roles must be some of " + Roles.ALL);
        }
        if (exists(username)) {
            throw taken(c, username);
        }
        try {
            return store(c, username, password, roles);
        } catch (RuntimeException e) {
            // Two admins creating the same name at once: the unique index decides.
            if (exists(username)) {
                throw taken(c, username);
            }
            throw e;
        }
    }

    private io.strata.web.Refused taken(Caller c, String username) {
        return refusals.refuse(c, "user.create", username, 409, "a user named " + username + " already exists");
    }

    @Transactional
    boolean exists(String username) {
        return AppUser.findByUsername(username).isPresent();
    }

    @Transactional
    AppUser store(Caller c, String username, String password, Set<String> roles) {
        AppUser u = AppUser.create(username, password, roles);
        audit.record(c, "user.create", username, null, Outcome.SUCCESS, "roles " + u.roles);
        return u;
    }
}
