package io.strata.kernel;

import java.util.Set;
import java.util.TreeSet;

/** Who is asking: name, roles and the address the request came from. */
public record Caller(String name, Set<String> roles, String source) {

    /** Strata itself (scheduled work, the reaper). */
    public static final Caller SYSTEM = new Caller("system", Set.of(), null);

    public boolean has(String role) {
        return roles.contains(role);
    }

    /** Operators and admins act on every VM; users only on their own. */
    public boolean actsOnAllVms() {
        return has(Roles.OPERATOR) || has(Roles.ADMIN);
    }

    /** Auditors may look at every VM but change nothing. */
    public boolean seesAllVms() {
        return actsOnAllVms() || has(Roles.AUDITOR);
    }

    public boolean mayChangeVms() {
        return actsOnAllVms() || has(Roles.USER);
    }

    public String rolesText() {
        return String.join(",", new TreeSet<>(roles));
    }
}
