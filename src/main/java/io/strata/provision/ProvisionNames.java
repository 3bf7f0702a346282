package io.strata.provision;

import java.util.ArrayList;
import java.util.List;

import io.strata.kernel.InputRules;
import io.strata.template.ProvisionHostnames;

/**
 * The pure rules of a provisioning request: how many VMs, which method, their names from a name or
 * a pattern with {@code {n}} (1, 2, …), and their hostnames. Each check says why not, or returns null.
 */
public final class ProvisionNames {

    public static final int MAX_COUNT = 100;
    public static final String N = "{n}";

    private ProvisionNames() {
    }

    /** The count asked for; 1 when none was given. */
    static int count(Integer count) {
        return count == null ? 1 : count;
    }

    static String countProblem(int count) {
        if (count < 1 || count > MAX_COUNT) {
            return "count must be between 1 and " + MAX_COUNT + ", not " + count;
        }
        return null;
    }

    /** The method asked for; "thin" when none was given. */
    static String method(String method) {
        return method == null || method.isBlank() ? "thin" : method;
    }

    static String methodProblem(String method) {
        if (!method.equals("thin") && !method.equals("clone")) {
            return "method must be \"thin\" or \"clone\", not \"" + InputRules.printable(method) + "\"";
        }
        return null;
    }

    /** The name pattern: {@code namePattern} when given, else {@code name} (null when neither is). */
    static String pattern(String name, String namePattern) {
        return namePattern != null && !namePattern.isBlank() ? namePattern : name;
    }

    /** Why a name or pattern cannot name {@code count} VMs, or null. */
    static String patternProblem(String name, String namePattern, int count) {
        String pattern = pattern(name, namePattern);
        if (pattern == null || pattern.isBlank()) {
            return "give a name, or a namePattern such as web-{n}";
        }
        if (name != null && !name.isBlank() && namePattern != null && !namePattern.isBlank()) {
            return "give either name or namePattern, not both";
        }
        if (count > 1 && !pattern.contains(N)) {
            return "for " + count + " VMs the name pattern needs {n} (e.g. web-{n})";
        }
        return null;
    }

    /** The pattern with every {n} replaced by 1 … count (the names still go through the name rules). */
    static List<String> expand(String pattern, int count) {
        List<String> out = new ArrayList<>(Math.max(0, count));
        for (int i = 1; i <= count; i++) {
            out.add(pattern.replace(N, Integer.toString(i)));
        }
        return out;
    }

    /** The guests' hostnames from an optional pattern: none when not given. */
    static List<String> hostnames(String hostname, int count) {
        return hostname == null || hostname.isBlank() ? List.of() : expand(hostname, count);
    }

    /** Why the hostname pattern gives an invalid hostname (the first), or null. */
    static String hostnameProblem(String hostname, int count) {
        for (String h : hostnames(hostname, count)) {
            if (!ProvisionHostnames.valid(h)) {
                return "not a valid hostname: \"" + InputRules.printable(h) + "\"";
            }
        }
        return null;
    }
}
