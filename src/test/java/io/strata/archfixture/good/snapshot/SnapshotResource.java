package io.strata.archfixture.good.snapshot;

/** A feature's endpoint: calls its own service. */
public class SnapshotResource {
    final SnapshotService service = new SnapshotService();

    public void post() {
        service.create();
    }
}
