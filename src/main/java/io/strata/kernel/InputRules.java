package io.strata.kernel;

import java.util.regex.Pattern;

/**
 * The one place that says what a name may look like. Names end up in file names, libvirt XML and
 * URLs, so the rule is strict: letters, digits, '.', '_', '-', starting with a letter or digit,
 * at most 64 characters, no "..".
 */
public final class InputRules {

    public static final int MAX_NAME = 64;
    public static final int MAX_DESCRIPTION = 1000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private InputRules() {
    }

    /** Sealed templates are named {@code template-<vm>}; no other VM may take such a name. */
    public static final String TEMPLATE_PREFIX = "template-";

    /** Why the name cannot be a new VM's (the name rules, and the template prefix), or null. */
    public static String newVmNameProblem(String value) {
        String problem = nameProblem("VM name", value);
        if (problem == null && value.startsWith(TEMPLATE_PREFIX)) {
            return "VM name '" + value + "': the prefix '" + TEMPLATE_PREFIX + "' is reserved for templates";
        }
        return problem;
    }

    /** Why the name is unacceptable, or null when it is fine. */
    public static String nameProblem(String what, String value) {
        if (value == null || value.isBlank()) {
            return what + " is required";
        }
        if (value.length() > MAX_NAME) {
            return what + " is too long (" + value.length() + " characters; at most " + MAX_NAME + ")";
        }
        if (!NAME.matcher(value).matches()) {
            return what + " '" + printable(value) + "' may contain only letters, digits, '.', '_' and '-', "
                    + "and must start with a letter or digit";
        }
        if (value.contains("..")) {
            return what + " '" + printable(value) + "' must not contain '..'";
        }
        return null;
    }

    public static String descriptionProblem(String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_DESCRIPTION) {
            return "description is too long (" + value.length() + " characters; at most " + MAX_DESCRIPTION + ")";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                return "description contains control characters";
            }
        }
        return null;
    }

    /** True when a request gave a value (filters treat null and blank alike: not given). */
    public static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** A value safe to repeat in a message: cut short, control characters shown as '?'. */
    public static String printable(String value) {
        String v = value.length() > 80 ? value.substring(0, 80) + "…" : value;
        StringBuilder b = new StringBuilder(v.length());
        for (char c : v.toCharArray()) {
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }
}
