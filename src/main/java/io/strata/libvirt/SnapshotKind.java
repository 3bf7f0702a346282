package io.strata.libvirt;

public enum SnapshotKind {
    /** Disk (and, for a running domain, memory) state stored inside the qcow2 image. */
    INTERNAL,
    /** Disk-only copy-on-write overlay files; the snapshot's data is each overlay's backing file. */
    EXTERNAL
}
