package io.strata.hygiene;

import java.util.List;

/**
 * The home page's numbers for one caller (users: their own VMs): snapshots and VMs per health
 * level, the worst snapshots, an age histogram, and the bytes overlays hold per host and owner.
 */
public record Dashboard(long snapshotsOk, long snapshotsWarn, long snapshotsCritical, long vmsOk, long vmsWarn,
                        long vmsCritical, List<SnapshotHealth> worst, BarChart ages, BarChart bytesByHost,
                        BarChart bytesByOwner, long overlayBytes) {

    public long snapshots() {
        return snapshotsOk + snapshotsWarn + snapshotsCritical;
    }
}
