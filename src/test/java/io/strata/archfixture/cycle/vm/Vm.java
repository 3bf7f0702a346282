package io.strata.archfixture.cycle.vm;

import io.strata.archfixture.cycle.snapshot.Snapshot;

/** Bad: vm → snapshot … */
public class Vm {
    Snapshot current;
}
