package io.strata.archfixture.kernelup.kernel;

import io.strata.archfixture.kernelup.template.Template;

/** Bad: the kernel imports a feature. */
public class Caller {
    Template lastTemplate;
}
