package io.strata.libvirt;

/** A domain's run state, in the words virsh uses. */
public enum DomainState {
    RUNNING, PAUSED, SHUT_OFF, SHUTDOWN, CRASHED, SUSPENDED, BLOCKED, UNKNOWN;

    public boolean isActive() {
        return this != SHUT_OFF && this != CRASHED && this != UNKNOWN;
    }

    public String label() {
        return name().toLowerCase().replace('_', ' ');
    }

    static DomainState of(org.libvirt.DomainInfo.DomainState s) {
        return switch (s) {
            case VIR_DOMAIN_RUNNING -> RUNNING;
            case VIR_DOMAIN_BLOCKED -> BLOCKED;
            case VIR_DOMAIN_PAUSED -> PAUSED;
            case VIR_DOMAIN_SHUTDOWN -> SHUTDOWN;
            case VIR_DOMAIN_SHUTOFF -> SHUT_OFF;
            case VIR_DOMAIN_CRASHED -> CRASHED;
            case VIR_DOMAIN_PMSUSPENDED -> SUSPENDED;
            default -> UNKNOWN;
        };
    }
}
