package io.strata.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One snapshot in the tree, with its children (oldest first). For an external snapshot,
 * {@code files} says which file holds its data and which overlay took the writes after it, and
 * {@code overlayBytes} what those overlays take on disk; {@code partlyMerged} says why a revert to
 * it is refused after an unfinished merge.
 */
public record SnapshotNode(String name, String kind, String parent, Instant created, long ageSeconds,
                           String age, String description, String domainState, boolean current,
                           List<String> files, Long overlayBytes, String partlyMerged,
                           List<SnapshotNode> children) {

    SnapshotNode withChild(SnapshotNode c) {
        List<SnapshotNode> cs = new ArrayList<>(children);
        cs.add(c);
        return new SnapshotNode(name, kind, parent, created, ageSeconds, age, description, domainState, current,
                files, overlayBytes, partlyMerged, cs);
    }
}
