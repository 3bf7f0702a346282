package io.strata.vm;

import io.strata.job.JobPayload;
import io.strata.libvirt.PowerMode;

/** The payload records of the VM lifecycle jobs (destroy, suspend and resume carry none). */
public final class VmPowerPayloads {

    private VmPowerPayloads() {
    }

    /** The longest graceful shutdown Strata waits for. */
    public static final int MAX_TIMEOUT_SECONDS = 3600;
    public static final int DEFAULT_TIMEOUT_SECONDS = 120;

    /**
     * VM_SHUTDOWN: ask the guest ({@code mode}), wait up to {@code timeoutSeconds} for it to be shut
     * off, then fail, or force it off when {@code force}.
     */
    public record Shutdown(int timeoutSeconds, boolean force, PowerMode mode) implements JobPayload {
        public Shutdown {
            if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
                throw new IllegalArgumentException("timeoutSeconds must be 1.." + MAX_TIMEOUT_SECONDS);
            }
            if (mode == null) {
                mode = PowerMode.DEFAULT;
            }
        }
    }

    /** VM_REBOOT: ask the guest to restart ({@code mode}). */
    public record Reboot(PowerMode mode) implements JobPayload {
        public Reboot {
            if (mode == null) {
                mode = PowerMode.DEFAULT;
            }
        }
    }
}
