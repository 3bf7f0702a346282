package io.strata.libvirt;

/**
 * How a graceful shutdown or reboot reaches the guest, as libvirt's shutdown/reboot flags say it:
 * {@code DEFAULT} lets libvirt choose (the guest agent when the domain has its channel, else the
 * ACPI power button, falling back to ACPI when the agent fails), {@code ACPI} presses the virtual
 * power button, {@code AGENT} asks the QEMU guest agent.
 */
public enum PowerMode {
    DEFAULT(0), ACPI(1), AGENT(2);

    /** VIR_DOMAIN_SHUTDOWN_* and VIR_DOMAIN_REBOOT_* share these values. */
    final int flags;

    PowerMode(int flags) {
        this.flags = flags;
    }

    public String label() {
        return switch (this) {
            case DEFAULT -> "guest agent or ACPI, as libvirt chooses";
            case ACPI -> "ACPI power button";
            case AGENT -> "guest agent";
        };
    }
}
