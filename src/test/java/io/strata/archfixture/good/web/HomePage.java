package io.strata.archfixture.good.web;

import io.strata.archfixture.good.snapshot.SnapshotService;

/** The web shell: on top, may use services of every feature. */
public class HomePage {
    final SnapshotService snapshots = new SnapshotService();

    public void render() {
        snapshots.create();
    }
}
