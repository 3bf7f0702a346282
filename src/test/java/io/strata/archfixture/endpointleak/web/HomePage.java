package io.strata.archfixture.endpointleak.web;

import io.strata.archfixture.endpointleak.auth.AdminPages;

/** Bad: the web shell calls a feature's page. */
public class HomePage {
    public String render() {
        return new AdminPages().page();
    }
}
