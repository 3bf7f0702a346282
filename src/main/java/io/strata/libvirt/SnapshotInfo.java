package io.strata.libvirt;

import java.time.Instant;
import java.util.List;

/** One snapshot as libvirt describes it (parsed from its XML: libvirt-java has no getters for these). */
public record SnapshotInfo(String name, String parent, SnapshotKind kind, String domainState,
                           String description, Instant createdAt, boolean current, List<SnapshotDisk> disks) {

    public List<SnapshotDisk> externalDisks() {
        return disks.stream().filter(SnapshotDisk::external).toList();
    }
}
