package io.strata.provision;

import io.strata.job.JobPayload;

/** VM_DELETE: also remove the image files only this VM used ({@code disks}); force a running VM off first ({@code force}). */
public record VmDeletePayload(boolean disks, boolean force) implements JobPayload {
}
