package io.strata.archfixture.good.snapshot;

import io.strata.archfixture.good.audit.Audit;
import io.strata.archfixture.good.libvirt.Hypervisor;

/** A feature's service: uses the layers below. */
public class SnapshotService {
    final Hypervisor hypervisor = new Hypervisor();
    final Audit audit = new Audit();

    public void create() {
        audit.record(hypervisor.domain());
    }
}
