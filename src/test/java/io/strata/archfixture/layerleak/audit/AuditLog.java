package io.strata.archfixture.layerleak.audit;

import io.strata.archfixture.layerleak.vm.Vm;

/** Bad: audit uses a feature. */
public class AuditLog {
    Vm vm;
}
