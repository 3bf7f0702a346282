package io.strata.archfixture.endpointleak.auth;

import io.strata.archfixture.endpointleak.host.HostResource;

/** Bad: a page calls another feature's resource instead of its service. */
public class AdminPages {
    final HostResource hosts = new HostResource();

    public String page() {
        return hosts.list();
    }
}
