package io.strata.archfixture.cycle.snapshot;

import io.strata.archfixture.cycle.vm.Vm;

/** … and snapshot → vm: a cycle. */
public class Snapshot {
    Vm owner;
}
