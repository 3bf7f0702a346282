package io.strata.disk;

import io.strata.job.JobPayload;

/** DISK_CONVERT: the disk (the job's target) becomes {@code format}; {@code confirmLoss} drops internal snapshots. */
public record DiskConvertPayload(String format, boolean confirmLoss) implements JobPayload {
    public DiskConvertPayload {
        if (!"raw".equals(format) && !"qcow2".equals(format)) {
            throw new IllegalArgumentException("format must be raw or qcow2");
        }
    }
}
