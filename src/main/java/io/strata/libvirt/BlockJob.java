package io.strata.libvirt;

/** A running block job on one disk, as libvirt reports it ({@code cur} of {@code end} bytes). */
public record BlockJob(String target, int type, long cur, long end) {

    /** libvirt's VIR_DOMAIN_BLOCK_JOB_TYPE_ACTIVE_COMMIT. */
    public static final int ACTIVE_COMMIT = 4;

    public double fraction() {
        return end <= 0 ? 0 : (double) cur / end;
    }

    /** An active commit is ready to pivot once it mirrors every byte. */
    public boolean readyToPivot() {
        return type == ACTIVE_COMMIT && end > 0 && cur == end;
    }
}
