package io.strata.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One snapshot in the tree, with its children (oldest first). */
public record SnapshotNode(String name, String kind, String parent, Instant created, long ageSeconds,
                           String age, String description, String domainState, boolean current,
                           List<SnapshotNode> children) {

    SnapshotNode withChild(SnapshotNode c) {
        List<SnapshotNode> cs = new ArrayList<>(children);
        cs.add(c);
        return new SnapshotNode(name, kind, parent, created, ageSeconds, age, description, domainState, current, cs);
    }
}
