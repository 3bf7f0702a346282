package io.strata.auth;

import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.strata.audit.AuditLog;
import io.strata.audit.Outcome;
import io.strata.audit.Refusals;
import io.strata.kernel.Caller;
import io.strata.kernel.Roles;

/**
 * Changes to an account that end its sessions: logout, a new password, new roles, disabling.
 * Each raises the account's session epoch (every session cookie made before stops working) and
 * forgets remembered Basic credentials; each is audited, and so is each refusal.
 */
@ApplicationScoped
public class AccountChanges {

    @Inject
    AuditLog audit;
    @Inject
    Refusals refusals;
    @Inject
    PasswordIdentityProvider passwords;

    /** Ends every session of the caller's account (logout: a copied cookie dies with it). */
    public void logOut(Caller c) {
        change(c, "user.logout", c.name(), u -> "every session ended");
    }

    /** Own password with the current one; an admin sets anyone's without it. */
    public void changePassword(Caller c, String username, String current, String next) {
        String action = "user.password";
        refusals.requireName(c, action, username, "username", username);
        boolean self = c.name().equals(username);
        if (!self && !c.has(Roles.ADMIN)) {
            throw refusals.refuse(c, action, username, 403, "only an admin can set another account's password");
        }
        if (next == null || next.length() < 8 || next.length() > 200) {
            throw refusals.refuse(c, action, username, 400, "password must have 8 to 200 characters");
        }
        AppUser u = find(c, action, username);
        if (self && !c.has(Roles.ADMIN) && (current == null || !BcryptUtil.matches(current, u.passwordHash))) {
            throw refusals.refuse(c, action, username, 403, "the current password is wrong");
        }
        String hash = BcryptUtil.bcryptHash(next);
        change(c, action, username, x -> {
            x.passwordHash = hash;
            return "password changed; every session ended";
        });
    }

    public void setDisabled(Caller c, String username, boolean disabled) {
        String action = disabled ? "user.disable" : "user.enable";
        requireAdmin(c, action, username);
        if (disabled && c.name().equals(username)) {
            throw refusals.refuse(c, action, username, 409, "an admin cannot disable their own account");
        }
        find(c, action, username);
        change(c, action, username, u -> {
            u.disabled = disabled;
            return disabled ? "disabled; every session ended" : "enabled";
        });
    }

    public void setRoles(Caller c, String username, Set<String> roles) {
        String action = "user.roles";
        requireAdmin(c, action, username);
        if (roles == null || roles.isEmpty() || !Roles.ALL.containsAll(roles)) {
            throw refusals.refuse(c, action, username, 400, "roles must be some of " + Roles.ALL);
        }
        if (c.name().equals(username) && !roles.contains(Roles.ADMIN)) {
            throw refusals.refuse(c, action, username, 409, "an admin cannot take the admin role from their own account");
        }
        find(c, action, username);
        change(c, action, username, u -> {
            String before = u.roles;
            u.roles = String.join(",", new TreeSet<>(roles));
            return "roles " + before + " -> " + u.roles + "; every session ended";
        });
    }

    private void requireAdmin(Caller c, String action, String username) {
        refusals.requireName(c, action, username, "username", username);
        if (!c.has(Roles.ADMIN)) {
            throw refusals.refuse(c, action, username, 403, "only an admin can do this");
        }
    }

    private AppUser find(Caller c, String action, String username) {
        AppUser u = QuarkusTransaction.requiringNew().call(() -> AppUser.findByUsername(username).orElse(null));
        if (u == null) {
            throw refusals.refuse(c, action, username, 404, "no user named " + username).withKey("user_not_found", username);
        }
        return u;
    }

    private void change(Caller c, String action, String username, java.util.function.Function<AppUser, String> edit) {
        QuarkusTransaction.requiringNew().run(() -> {
            AppUser u = AppUser.findByUsername(username).orElseThrow();
            String details = edit.apply(u);
            u.sessionEpoch++;
            audit.record(c, action, username, null, Outcome.SUCCESS, details);
        });
        passwords.forget(username);
    }
}
