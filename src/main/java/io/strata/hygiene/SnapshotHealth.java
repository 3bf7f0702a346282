package io.strata.hygiene;

import java.time.Instant;
import java.util.List;

/**
 * One snapshot with who made it and why, its age, lease, overlay bytes and health: what the API
 * lists across VMs, the VM page marks and the cleanup report builds on. {@code creator} is the
 * account that asked Strata for it, or {@value #OUTSIDE} for snapshots made elsewhere (virsh…).
 */
public record SnapshotHealth(String host, String vm, String snapshot, String kind, String owner, String vmState,
                             String creator, String reason, Instant created, long ageSeconds, String age,
                             Instant leaseUntil, boolean leaseExtended, String leaseBy, String leaseReason,
                             boolean leaseExpired, Long overlayBytes, boolean current, Health health,
                             List<String> reasons) {

    public static final String OUTSIDE = "outside Strata";

    public boolean madeOutsideStrata() {
        return OUTSIDE.equals(creator);
    }
}
