package io.strata.archfixture.kernelup.template;

/** A feature. */
public class Template {
}
