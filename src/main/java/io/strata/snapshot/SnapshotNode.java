package io.strata.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.strata.hygiene.Health;
import io.strata.hygiene.SnapshotWarnings;

/**
 * One snapshot in the tree, with its children (oldest first). For an external snapshot,
 * {@code files} says which file holds its data and which overlay took the writes after it, and
 * {@code overlayBytes} what those overlays take on disk; {@code partlyMerged} says why a revert to
 * it is refused after an unfinished merge. {@code creator} is who asked Strata for it ("outside
 * Strata" otherwise) and {@code reason} why; {@code health} and {@code reasons} say how it stands
 * against the snapshot policy, {@code leaseUntil} when its lease ends, and {@code warnings} the
 * crossings the hygiene scan recorded for it.
 */
public record SnapshotNode(String name, String kind, String parent, Instant created, long ageSeconds,
                           String age, String description, String domainState, boolean current,
                           List<String> files, Long overlayBytes, String partlyMerged,
                           String creator, String reason, Health health, List<String> reasons,
                           Instant leaseUntil, boolean leaseExtended, boolean leaseExpired,
                           List<SnapshotWarnings.Warning> warnings, List<SnapshotNode> children) {

    SnapshotNode withChild(SnapshotNode c) {
        List<SnapshotNode> cs = new ArrayList<>(children);
        cs.add(c);
        return new SnapshotNode(name, kind, parent, created, ageSeconds, age, description, domainState, current,
                files, overlayBytes, partlyMerged, creator, reason, health, reasons, leaseUntil, leaseExtended,
                leaseExpired, warnings, cs);
    }
}
