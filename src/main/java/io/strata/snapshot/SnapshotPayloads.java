package io.strata.snapshot;

import io.strata.job.JobPayload;
import io.strata.libvirt.SnapshotKind;
import io.strata.vm.VmPowerPayloads;

/** The typed data of the snapshot jobs. The snapshot's name is the job's target. */
public final class SnapshotPayloads {

    private SnapshotPayloads() {
    }

    /** SNAPSHOT_CREATE: internal or external (disk-only, atomic), with quiesce and pause. */
    public record Create(SnapshotKind kind, String description, boolean quiesce, boolean pause) implements JobPayload {
        public Create {
            requireKind(kind);
        }
    }

    /**
     * SNAPSHOT_REVERT: the kind of the snapshot reverted to, whether to start the VM after, and
     * whether to shut a running VM down first (graceful within {@code timeoutSeconds}, null: the
     * default; then forced off only when {@code force}). Payloads stored before shutdown existed
     * read with false/null: no shutdown, as they were queued.
     */
    public record Revert(SnapshotKind kind, boolean start, boolean shutdown, boolean force, Integer timeoutSeconds)
            implements JobPayload {
        public Revert {
            requireKind(kind);
            if (timeoutSeconds != null && (timeoutSeconds < 1 || timeoutSeconds > VmPowerPayloads.MAX_TIMEOUT_SECONDS)) {
                throw new IllegalArgumentException("timeoutSeconds must be 1.." + VmPowerPayloads.MAX_TIMEOUT_SECONDS);
            }
        }

        public Revert(SnapshotKind kind, boolean start) {
            this(kind, start, false, false, null);
        }

        /** The graceful shutdown's timeout in seconds. */
        public int timeout() {
            return timeoutSeconds == null ? VmPowerPayloads.DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
        }
    }

    /** The jobs that merge overlays, with their optional speed limit. */
    public interface Merging extends JobPayload {
        Long bandwidthMiB();

        /** The speed limit in MiB/s; 0 is as fast as the storage goes. */
        default long bandwidth() {
            return bandwidthMiB() == null ? 0 : bandwidthMiB();
        }
    }

    /** SNAPSHOT_DELETE: an external one is merged first, at most {@code bandwidthMiB} MiB/s (null: no limit). */
    public record Delete(SnapshotKind kind, Long bandwidthMiB) implements Merging {
        public Delete {
            requireKind(kind);
            requireBandwidth(bandwidthMiB);
        }
    }

    /** SNAPSHOT_MERGE_ALL: the whole external chain into its base, at most {@code bandwidthMiB} MiB/s. */
    public record MergeAll(Long bandwidthMiB) implements Merging {
        public MergeAll {
            requireBandwidth(bandwidthMiB);
        }
    }

    private static void requireKind(SnapshotKind kind) {
        if (kind == null) {
            throw new IllegalArgumentException("snapshot kind missing");
        }
    }

    private static void requireBandwidth(Long bandwidthMiB) {
        if (bandwidthMiB != null && (bandwidthMiB < 1 || bandwidthMiB > SnapshotService.MAX_BANDWIDTH_MIB)) {
            throw new IllegalArgumentException("bandwidth " + bandwidthMiB + " MiB/s out of range");
        }
    }
}
