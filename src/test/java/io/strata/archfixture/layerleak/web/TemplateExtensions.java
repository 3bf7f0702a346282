package io.strata.archfixture.layerleak.web;

/** The web shell. */
public class TemplateExtensions {
}
