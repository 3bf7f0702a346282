package io.strata.archfixture.good.audit;

import io.strata.archfixture.good.kernel.Name;

/** Audit → kernel only. */
public class Audit {
    public void record(Name what) {
    }
}
