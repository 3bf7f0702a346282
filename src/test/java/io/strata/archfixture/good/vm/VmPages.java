package io.strata.archfixture.good.vm;

import io.strata.archfixture.good.snapshot.SnapshotService;

/** Another feature's page: calls the snapshot feature's service, not its resource. */
public class VmPages {
    final SnapshotService snapshots = new SnapshotService();

    public void snapshotForm() {
        snapshots.create();
    }
}
