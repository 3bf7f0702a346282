package io.strata.support;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers the real database and the real libvirt host for every @QuarkusTest of the run. */
@QuarkusTestResource(TestDatabase.class)
@QuarkusTestResource(LibvirtHost.class)
public final class TestResources {
    private TestResources() {
    }
}
