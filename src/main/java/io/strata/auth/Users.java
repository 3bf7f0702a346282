package io.strata.auth;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.audit.Refusals;
import io.strata.kernel.Roles;
import io.strata.kernel.Caller;
import io.strata.kernel.Refused;

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
        if (!c.has(Roles.ADMIN)) {
            throw refusals.refuse(c, "user.create", username, 403, "only an admin can create accounts");
        }
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

    private Refused taken(Caller c, String username) {
        return refusals.refuse(c, "user.create", username, 409, "a user named " + username + " already exists")
                .withKey("user_exists", username);
    }

    @Transactional
    AppUser find(String username) {
        return AppUser.findByUsername(username).orElseThrow();
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

    /** Sets a user's quota (null: no limit); audited. */
    public AppUser setQuota(Caller c, String username, Integer maxVms, Integer maxDiskGib) {
        String action = "user.quota";
        refusals.requireName(c, action, username, "username", username);
        if ((maxVms != null && (maxVms < 0 || maxVms > 100_000)) || (maxDiskGib != null && (maxDiskGib < 0 || maxDiskGib > 10_000_000))) {
            throw refusals.refuse(c, action, username, 400, "maxVms must be 0..100000 and maxDiskGib 0..10000000 (or null: no limit)");
        }
        if (!exists(username)) {
            throw refusals.refuse(c, action, username, 404, "no user named " + username).withKey("user_not_found", username);
        }
        return storeQuota(c, username, maxVms, maxDiskGib);
    }

    @Transactional
    AppUser storeQuota(Caller c, String username, Integer maxVms, Integer maxDiskGib) {
        AppUser u = AppUser.findByUsername(username).orElseThrow();
        u.maxVms = maxVms;
        u.maxDiskGib = maxDiskGib;
        audit.record(c, "user.quota", username, null, Outcome.SUCCESS, "maxVms " + maxVms + ", maxDiskGib " + maxDiskGib);
        return u;
    }
}
