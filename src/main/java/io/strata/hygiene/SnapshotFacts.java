package io.strata.hygiene;

import java.time.Instant;

/**
 * What the assessment needs to know about one snapshot. {@code externalDepth}: how many external
 * snapshots lie on the path from the tree's root to this one, itself included (0 for internal);
 * {@code overlayBytes} and {@code imageVirtualBytes} are null when unknown (internal snapshots);
 * {@code leaseUntil} is null when the lease was never extended (it then ends at created + warn age).
 */
public record SnapshotFacts(String name, Instant created, int snapshotsOnVm, int externalDepth, Long overlayBytes,
                            Long imageVirtualBytes, boolean current, boolean vmRunning, Instant leaseUntil) {
}
