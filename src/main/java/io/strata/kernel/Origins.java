package io.strata.kernel;

import java.net.URI;

/** Whether a request came from Strata's own pages: the browser's Sec-Fetch-Site and Origin headers. */
public final class Origins {

    private Origins() {
    }

    /** A {@code Sec-Fetch-Site} a change may carry: absent (not a browser, or an old one), same-origin or none (typed). */
    public static boolean siteAllowed(String secFetchSite) {
        return secFetchSite == null || secFetchSite.equals("same-origin") || secFetchSite.equals("none");
    }

    /** Scheme, host and port of the Origin header against those the request reached. */
    public static boolean sameOrigin(String origin, URI request) {
        try {
            URI o = URI.create(origin);
            return o.getScheme() != null && o.getHost() != null && o.getScheme().equalsIgnoreCase(request.getScheme())
                    && o.getHost().equalsIgnoreCase(request.getHost()) && port(o) == port(request);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
