package io.strata.archfixture.layerleak.libvirt;

import io.strata.archfixture.layerleak.audit.AuditLog;

/** Bad: the hypervisor package writes the audit log. */
public class Hypervisor {
    AuditLog audit;
}
