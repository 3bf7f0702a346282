package io.strata.archfixture.endpointleak.host;

/** A feature's endpoint. */
public class HostResource {
    public String list() {
        return "[]";
    }
}
