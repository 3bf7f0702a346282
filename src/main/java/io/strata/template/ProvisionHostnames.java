package io.strata.template;

import java.util.regex.Pattern;

/** Hostnames a guest may be given (RFC 1123, lower case): for templates and new VMs alike. */
public final class ProvisionHostnames {

    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private ProvisionHostnames() {
    }

    public static boolean valid(String hostname) {
        return hostname != null && HOSTNAME.matcher(hostname).matches();
    }
}
