package io.strata.libvirt;

/**
 * One disk of a snapshot. For an external snapshot, {@code image} is the file that holds the
 * snapshot's point-in-time data (the disk's source in the snapshot's saved domain) and
 * {@code overlay} the file created at the snapshot, where later writes went.
 */
public record SnapshotDisk(String target, String mode, String overlay, String image, String imageFormat,
                           long overlayBytes) {

    public boolean external() {
        return "external".equals(mode);
    }
}
