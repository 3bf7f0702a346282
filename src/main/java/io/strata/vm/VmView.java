package io.strata.vm;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.strata.libvirt.DiskInfo;

/**
 * A VM as the API and the pages show it. {@code guestAgent} (whether its QEMU guest agent answers
 * a ping) is read for one VM's view only, never for lists: null there, and left out of the JSON.
 * {@code health} is the worst snapshot health of the VM (ok, warn, critical; see {@link VmHealthSource}).
 */
public record VmView(String host, String name, String uuid, String state, int vcpus, long memoryMiB,
                     String owner, boolean template, List<DiskInfo> disks, long snapshotCount,
                     Instant syncedAt, Long activeJobId,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Boolean guestAgent,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String health) {

    public VmView(String host, String name, String uuid, String state, int vcpus, long memoryMiB, String owner,
            boolean template, List<DiskInfo> disks, long snapshotCount, Instant syncedAt, Long activeJobId) {
        this(host, name, uuid, state, vcpus, memoryMiB, owner, template, disks, snapshotCount, syncedAt, activeJobId, null,
                null);
    }

    public VmView withGuestAgent(boolean answers) {
        return new VmView(host, name, uuid, state, vcpus, memoryMiB, owner, template, disks, snapshotCount, syncedAt,
                activeJobId, answers, health);
    }

    public VmView withHealth(String h) {
        return new VmView(host, name, uuid, state, vcpus, memoryMiB, owner, template, disks, snapshotCount, syncedAt,
                activeJobId, guestAgent, h);
    }
}
