package io.strata.libvirt;

import java.util.List;

/** What Strata caches about a domain. Owner and template marker come from Strata's metadata element. */
public record DomainSummary(String name, String uuid, DomainState state, int vcpus, long memoryKib,
                            String owner, boolean template, List<DiskInfo> disks) {
}
