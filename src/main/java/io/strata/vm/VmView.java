package io.strata.vm;

import java.time.Instant;
import java.util.List;

import io.strata.libvirt.DiskInfo;

/** A VM as the API and the pages show it. */
public record VmView(String host, String name, String uuid, String state, int vcpus, long memoryMiB,
                     String owner, boolean template, List<DiskInfo> disks, long snapshotCount,
                     Instant syncedAt, Long activeJobId) {
}
