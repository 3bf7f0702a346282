package io.strata.job;

import java.util.List;

import io.strata.libvirt.DomainSummary;
import io.strata.libvirt.SnapshotInfo;

/**
 * A job's VM as its worker read it (for the change record) just before the handler started or
 * just after it ended: the domain (null when there was no such domain) and its snapshots. Handed
 * to the handler and to the inventory refresh so that they do not read the host again.
 */
public record ObservedVm(DomainSummary domain, List<SnapshotInfo> snapshots) {
}
