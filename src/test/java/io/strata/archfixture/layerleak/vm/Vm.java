package io.strata.archfixture.layerleak.vm;

import io.strata.archfixture.layerleak.web.TemplateExtensions;

/** Bad: a feature uses the web shell. */
public class Vm {
    TemplateExtensions extensions;
}
