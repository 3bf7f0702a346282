package io.strata.vm;

/**
 * Whether a name on a host is a sealed template (its domain is gone, its images are read-only).
 * The template feature implements it; the VM feature asks, so that it need not know templates.
 */
public interface SealedTemplates {

    boolean isSealed(String host, String name);
}
